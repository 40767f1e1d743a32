/**
 * Publishing memos (now, or scheduled), previewing who they will reach, amending published
 * memos with a new version, and retracting them. At publish the audience becomes recipient rows
 * in one statement; the reminder runner (memo-reminder.service.ts) then sends the ladder.
 */
import { enqueueSearchIndex } from '../search/outbox.repository.ts';
import type { Transaction } from 'kysely';
import { recordAudit } from '../audit/audit.service.ts';
import { systemContext, type RequestContext } from '../context.ts';
import { db } from '../db/index.ts';
import type { DB } from '../db/schema.ts';
import { ConflictError, ValidationError } from '../errors.ts';
import { requireActor } from '../feeds/post.service.ts';
import { attachFiles } from '../files/attachment.repository.ts';
import { referencedFileIds } from '../files/file-links.ts';
import { logger } from '../log.ts';
import { diffTexts, type TextDiff } from '../markdown/diff.ts';
import type { MemoAmendInput } from '../../shared/schemas/memos.ts';
import { isoDay, loadMemo, requireAllowed } from './memo-access.ts';
import { appendVersion } from './memo-record.ts';
import { insertManualReminders } from './memo-reminder.repository.ts';
import { canEditMemo, canIssueFrom, canRetractMemo, canViewMemoReport } from './memo.policy.ts';
import {
	insertRecipientsForMemo,
	previewAudience,
	requireAcknowledgementAgain
} from './memo-recipient.repository.ts';
import {
	claimScheduledMemoIds,
	getVersion,
	listAudience,
	updateMemoRow,
	type MemoRow
} from './memo.repository.ts';

/** What must hold before a memo goes out; throws ValidationError naming the field. */
function checkPublishable(memo: MemoRow, audienceSize: number | null, now: Date): void {
	if (!memo.bodySource.trim())
		throw new ValidationError('Write the memo before publishing it.', { body: 'Write the memo.' });
	if (!memo.dueOn)
		throw new ValidationError('Choose a due date for acknowledgements.', {
			dueOn: 'Choose a due date.'
		});
	if (memo.dueOn < isoDay(now))
		throw new ValidationError('The due date has passed. Choose today or a later date.', {
			dueOn: 'Choose today or a later date.'
		});
	if (audienceSize === 0)
		throw new ValidationError('The audience is empty: nobody would receive this memo.', {
			audience: 'Add at least one department, role or person with active people.'
		});
}

/**
 * Publishes (or, with a future `publishAt`, schedules) a memo whose row the caller has locked.
 * Writes version 1 and the recipient rows; throws ValidationError and writes nothing when the
 * audience resolves to nobody or the due date has passed.
 */
export async function publishLocked(
	trx: Transaction<DB>,
	ctx: RequestContext,
	memo: MemoRow,
	publishAt: Date | null,
	now: Date
): Promise<MemoRow> {
	checkPublishable(memo, null, now);
	if ((await listAudience(trx, memo.id)).every((a) => a.exclude)) checkPublishable(memo, 0, now);
	const replaced = memo.supersedesId ? await loadMemo(trx, memo.supersedesId, true) : null;
	if (replaced && replaced.status !== 'published')
		throw new ValidationError(
			`“${replaced.title}”, which this memo replaces, is no longer published (${replaced.status}). Edit the draft and choose again.`,
			{ supersedesId: 'Choose a published memo, or none.' }
		);
	if (publishAt && publishAt > now) {
		const scheduled = await updateMemoRow(trx, memo.id, { status: 'scheduled', publishAt });
		await recordAudit(trx, ctx, {
			action: 'memo.schedule',
			objectType: 'memo',
			objectId: memo.id,
			details: { publishAt: publishAt.toISOString() }
		});
		return scheduled;
	}
	const recipients = await insertRecipientsForMemo(trx, memo.id, memo.dueOn!, now);
	checkPublishable(memo, recipients, now);
	const published = await updateMemoRow(trx, memo.id, {
		status: 'published',
		currentVersion: 1,
		publishedAt: now
	});
	// The ladder's first step tells people a memo is addressed to them; without it, tell them now.
	if (!memo.reminderLadder.onPublish) await insertManualReminders(trx, memo.id, now, 'publish');
	// The old memo stops asking for acknowledgements and points to this one.
	if (replaced)
		await updateMemoRow(trx, replaced.id, { status: 'superseded', supersededBy: memo.id });
	await enqueueSearchIndex(trx, [
		{ kind: 'memo', id: memo.id },
		...(replaced ? [{ kind: 'memo' as const, id: replaced.id }] : [])
	]);
	// The audited writes last: from the first audit entry to the commit, every other audited
	// write of the application waits (the recipient rows above take a second for 50,000 people).
	const version = await appendVersion(trx, ctx, {
		memoId: memo.id,
		number: 1,
		title: memo.title,
		bodySource: memo.bodySource,
		changeKind: 'initial',
		changeNote: '',
		createdBy: memo.createdBy,
		now
	});
	if (replaced)
		await recordAudit(trx, ctx, {
			action: 'memo.supersede',
			objectType: 'memo',
			objectId: replaced.id,
			occurredAt: now,
			details: { supersededBy: memo.id }
		});
	await recordAudit(trx, ctx, {
		action: 'memo.publish',
		objectType: 'memo',
		objectId: memo.id,
		occurredAt: now,
		details: { recipients, version: 1, contentHash: version.contentHash, dueOn: memo.dueOn }
	});
	return published;
}

/**
 * Publishes a draft that needs no approval, now or at `publishAt`. The author (or an
 * administrator) publishes, and must still be allowed to issue from its department.
 * Throws ConflictError (not a draft, or approval needed), ValidationError, ForbiddenError.
 */
export async function publishMemo(
	ctx: RequestContext,
	memoId: number,
	input: { publishAt: string | null },
	now: Date = new Date()
): Promise<MemoRow> {
	const actor = requireActor(ctx);
	const current = await loadMemo(db(), memoId);
	await requireAllowed(
		ctx,
		canEditMemo(actor, current) && canIssueFrom(actor, current.issuingDepartmentId),
		'memo.publish',
		memoId,
		'Only the author, if they may still issue from its department, publishes this memo.'
	);
	return db()
		.transaction()
		.execute(async (trx) => {
			const memo = await loadMemo(trx, memoId, true);
			if (memo.status !== 'draft') throw new ConflictError('Only a draft can be published.');
			if (memo.requiresApproval)
				throw new ConflictError('This memo needs approval: submit it for approval instead.');
			return publishLocked(trx, ctx, memo, input.publishAt ? new Date(input.publishAt) : null, now);
		});
}

/**
 * Publishes scheduled memos whose time has come (called by the scheduled runner). A memo that
 * can no longer go out (its audience emptied, its due date passed) returns to draft with the
 * reason as a review comment. Returns the ids published.
 */
export async function publishDueScheduledMemos(now: Date = new Date()): Promise<number[]> {
	const published: number[] = [];
	// One memo per transaction, so a large audience does not hold the others' locks.
	for (;;) {
		const id = await db()
			.transaction()
			.execute(async (trx) => {
				const [claimed] = await claimScheduledMemoIds(trx, now, 1);
				if (claimed === undefined) return null;
				const memo = await loadMemo(trx, claimed, true);
				try {
					// Validation fails before anything is written (or after inserting no one).
					await publishLocked(trx, systemContext, memo, null, now);
				} catch (error) {
					if (!(error instanceof ValidationError)) throw error;
					logger().warn({ memoId: claimed, reason: error.message }, 'scheduled memo not published');
					await updateMemoRow(trx, claimed, { status: 'draft', reviewComment: error.message });
					await recordAudit(trx, systemContext, {
						action: 'memo.schedule_failed',
						objectType: 'memo',
						objectId: claimed,
						details: { reason: error.message }
					});
					return -claimed;
				}
				return claimed;
			});
		if (id === null) return published;
		if (id > 0) published.push(id);
	}
}

/** How many people the memo would reach if published now, and a sample of names. */
export async function previewMemoAudience(ctx: RequestContext, memoId: number) {
	const actor = requireActor(ctx);
	const memo = await loadMemo(db(), memoId);
	await requireAllowed(
		ctx,
		canEditMemo(actor, memo) || canViewMemoReport(actor, memo),
		'memo.preview',
		memoId,
		'Only the author and the managers of its department preview this memo’s audience.'
	);
	return previewAudience(db(), memoId);
}

const DAY_MS = 86_400_000;

/**
 * The due date a material amendment gives everyone who must acknowledge again, unless its author
 * chooses one: as many days from today as the first version gave (at least one), and never
 * before the memo's current due date.
 */
export function amendedDueOn(memo: Pick<MemoRow, 'dueOn' | 'publishedAt'>, now: Date): string {
	const today = Date.parse(`${isoDay(now)}T00:00:00Z`);
	if (!memo.dueOn) return isoDay(new Date(today + DAY_MS));
	const due = Date.parse(`${memo.dueOn}T00:00:00Z`);
	const published = Date.parse(`${isoDay(memo.publishedAt ?? now)}T00:00:00Z`);
	const lead = Math.max(1, Math.round((due - published) / DAY_MS));
	return isoDay(new Date(Math.max(due, today + lead * DAY_MS)));
}

/**
 * Issues a new version of a published memo. `material`: everyone must acknowledge again (all
 * recipients return to pending), by `input.dueOn` or `amendedDueOn`; `editorial`: earlier acknowledgements stand, and each person's
 * record keeps the version they acknowledged. Returns the new version and the diff.
 * Throws ConflictError (not published, or nothing changed), ForbiddenError (audited).
 */
export async function amendMemo(
	ctx: RequestContext,
	memoId: number,
	input: MemoAmendInput,
	now: Date = new Date()
): Promise<{ memo: MemoRow; version: number; diff: TextDiff; reset: number }> {
	const actor = requireActor(ctx);
	const current = await loadMemo(db(), memoId);
	await requireAllowed(
		ctx,
		canEditMemo(actor, current),
		'memo.amend',
		memoId,
		'Only the author amends this memo.'
	);
	return db()
		.transaction()
		.execute(async (trx) => {
			const memo = await loadMemo(trx, memoId, true);
			if (memo.status !== 'published')
				throw new ConflictError('Only a published memo can be amended.');
			const previous = (await getVersion(trx, memoId, memo.currentVersion))!;
			const title = input.title ?? previous.title;
			if (title === previous.title && input.body === previous.bodySource)
				throw new ConflictError(
					'Nothing changed: the new version would be the same as the current one.'
				);
			const number = memo.currentVersion + 1;
			await attachFiles(
				trx,
				{ memoId: memoId },
				{
					attachmentIds: referencedFileIds(input.body),
					uploaderId: actor.id
				}
			);
			let dueOn = memo.dueOn;
			let reset = 0;
			if (input.kind === 'material') {
				dueOn = input.dueOn ?? amendedDueOn(memo, now);
				if (dueOn < isoDay(now))
					throw new ValidationError('Everyone must acknowledge again: give them time to.', {
						dueOn: 'Choose today or a later date.'
					});
				reset = await requireAcknowledgementAgain(trx, memoId, dueOn, now);
				if (memo.dueOn && memo.dueOn > dueOn) dueOn = memo.dueOn;
			}
			const updated = await updateMemoRow(trx, memoId, {
				currentVersion: number,
				title,
				bodySource: input.body,
				dueOn
			});
			await enqueueSearchIndex(trx, [{ kind: 'memo', id: memoId }]);
			// Audited last, after the reset of every recipient (see publishLocked).
			await appendVersion(trx, ctx, {
				memoId,
				number,
				title,
				bodySource: input.body,
				changeKind: input.kind,
				changeNote: input.note,
				createdBy: actor.id,
				now
			});
			await recordAudit(trx, ctx, {
				action: 'memo.amend',
				objectType: 'memo',
				objectId: memoId,
				occurredAt: now,
				details: { version: number, kind: input.kind, reset, dueOn }
			});
			return {
				memo: updated,
				version: number,
				diff: diffTexts(previous.bodySource, input.body),
				reset
			};
		});
}

/**
 * Retracts a published or scheduled memo: it can no longer be acknowledged and reminders stop.
 * The record (versions, acknowledgements) stays. Throws ConflictError, ForbiddenError.
 */
export async function retractMemo(
	ctx: RequestContext,
	memoId: number,
	input: { reason: string },
	now: Date = new Date()
): Promise<MemoRow> {
	const actor = requireActor(ctx);
	const current = await loadMemo(db(), memoId);
	await requireAllowed(
		ctx,
		canRetractMemo(actor, current),
		'memo.retract',
		memoId,
		'Only the author, the managers of its department and administrators retract this memo.'
	);
	return db()
		.transaction()
		.execute(async (trx) => {
			const memo = await loadMemo(trx, memoId, true);
			if (memo.status !== 'published' && memo.status !== 'scheduled')
				throw new ConflictError('Only a published or scheduled memo can be retracted.');
			const retracted = await updateMemoRow(trx, memoId, {
				status: 'retracted',
				retractedAt: now,
				retractedBy: actor.id,
				retractionReason: input.reason
			});
			await enqueueSearchIndex(trx, [{ kind: 'memo', id: memoId }]);
			await recordAudit(trx, ctx, {
				action: 'memo.retract',
				objectType: 'memo',
				objectId: memoId,
				occurredAt: now,
				details: { reason: input.reason }
			});
			return retracted;
		});
}
