/**
 * Exceptions are records: a manager extends one person's due date, or records an
 * acknowledgement on their behalf (e.g. the memo was read to them in person), each with a
 * required reason, audited, and flagged in every report.
 */
import type { RequestContext } from '../context.ts';
import { db } from '../db/index.ts';
import { ConflictError, NotFoundError, ValidationError } from '../errors.ts';
import { requireActor } from '../feeds/post.service.ts';
import { checkAcknowledgeable } from './memo-ack.service.ts';
import { isoDay, loadMemo, requireAllowed } from './memo-access.ts';
import { announceMemoProgress } from './memo-events.ts';
import { firstStepAfter } from './memo-ladder.ts';
import { appendAcknowledgement, appendException } from './memo-record.ts';
import { getMemoCounts } from './memo-report.repository.ts';
import { canMakeException } from './memo.policy.ts';
import {
	getRecipient,
	getRecipientForUpdate,
	setDueDate,
	type AcknowledgementRow,
	type ExceptionRow
} from './memo-recipient.repository.ts';
import { getVersion, type MemoRow } from './memo.repository.ts';

/**
 * The person's recipient row, once the actor may make an exception for them. Refused (audited)
 * the same way whether or not the memo is addressed to that person, so the refusal tells nobody
 * who received a memo; only those who may see its whole audience hear that it is not addressed
 * to them.
 */
async function loadRecipientForException(
	ctx: RequestContext,
	memo: MemoRow,
	userId: number,
	action: string,
	doWhat: string
) {
	const actor = requireActor(ctx);
	const recipient = await getRecipient(db(), memo.id, userId);
	await requireAllowed(
		ctx,
		canMakeException(
			actor,
			memo,
			recipient ? { userId, departmentId: recipient.departmentId } : null
		),
		action,
		memo.id,
		userId === actor.id
			? 'An exception is for someone else: acknowledge the memo yourself, or ask your own manager.'
			: `Only this person’s managers, the issuer and administrators ${doWhat}.`,
		{ userId }
	);
	if (!recipient) throw new NotFoundError('This memo is not addressed to that person.');
	return recipient;
}

/**
 * Moves one person's due date (later or earlier, not into the past), with a reason; their
 * reminders follow the new date. The person's managers, the issuer and administrators may.
 * Throws ForbiddenError (audited), NotFoundError, ConflictError, ValidationError.
 */
export async function extendDueDate(
	ctx: RequestContext,
	memoId: number,
	userId: number,
	input: { dueOn: string; reason: string },
	now: Date = new Date()
): Promise<ExceptionRow> {
	const actor = requireActor(ctx);
	const memo = await loadMemo(db(), memoId);
	await loadRecipientForException(ctx, memo, userId, 'memo.extend', 'extend their due date');
	if (input.dueOn < isoDay(now))
		throw new ValidationError('Choose today or a later date.', {
			dueOn: 'Choose today or a later date.'
		});
	const exception = await db()
		.transaction()
		.execute(async (trx) => {
			const current = await loadMemo(trx, memoId, true);
			if (current.status !== 'published')
				throw new ConflictError('Only a published memo has due dates to extend.');
			const recipient = (await getRecipientForUpdate(trx, memoId, userId))!;
			if (recipient.state === 'acknowledged')
				throw new ConflictError('This person has already acknowledged the memo.');
			const next = firstStepAfter(current.reminderLadder, recipient.deliveredAt, input.dueOn, now);
			await setDueDate(trx, memoId, userId, input.dueOn, {
				step: next?.index ?? recipient.reminderStep,
				at: next?.at ?? null
			});
			return appendException(trx, ctx, {
				memoId,
				userId,
				kind: 'extension',
				previousDueOn: recipient.dueOn,
				newDueOn: input.dueOn,
				reason: input.reason,
				createdBy: actor.id,
				createdAt: now
			});
		});
	announceMemoProgress(memoId, () => getMemoCounts(db(), memoId, isoDay(now)));
	return exception;
}

/**
 * Records an acknowledgement of the current version on someone's behalf, with the reason; it is
 * stored as theirs, marked with who recorded it and why. Throws as `extendDueDate`.
 */
export async function acknowledgeOnBehalf(
	ctx: RequestContext,
	memoId: number,
	userId: number,
	input: { reason: string },
	now: Date = new Date()
): Promise<AcknowledgementRow> {
	const actor = requireActor(ctx);
	const memo = await loadMemo(db(), memoId);
	await loadRecipientForException(
		ctx,
		memo,
		userId,
		'memo.acknowledge_on_behalf',
		'record an acknowledgement for them'
	);
	const ack = await db()
		.transaction()
		.execute(async (trx) => {
			const current = await loadMemo(trx, memoId, true);
			checkAcknowledgeable(current, current.currentVersion);
			const recipient = (await getRecipientForUpdate(trx, memoId, userId))!;
			if (
				recipient.state === 'acknowledged' &&
				recipient.acknowledgedVersion === current.currentVersion
			)
				throw new ConflictError('This person has already acknowledged this version.');
			const version = (await getVersion(trx, memoId, current.currentVersion))!;
			const row = await appendAcknowledgement(trx, ctx, {
				memoId,
				userId,
				versionNumber: version.number,
				contentHash: version.contentHash,
				acknowledgedAt: now,
				ip: ctx.ip,
				userAgent: ctx.userAgent?.slice(0, 512) ?? null,
				attested: false,
				onBehalfBy: actor.id,
				onBehalfReason: input.reason
			});
			if (!row) throw new ConflictError('This person has already acknowledged this version.');
			await appendException(trx, ctx, {
				memoId,
				userId,
				kind: 'on_behalf',
				previousDueOn: recipient.dueOn,
				newDueOn: null,
				reason: input.reason,
				createdBy: actor.id,
				createdAt: now
			});
			return row;
		});
	announceMemoProgress(memoId, () => getMemoCounts(db(), memoId, isoDay(now)));
	return ack;
}
