/**
 * Memo drafts and their approval: create, edit, submit for approval, approve (which publishes
 * or schedules it, see memo-publish.service.ts) or return with a comment.
 */
import { recordAudit } from '../audit/audit.service.ts';
import type { RequestContext } from '../context.ts';
import { db, type Database } from '../db/index.ts';
import { ConflictError, ValidationError } from '../errors.ts';
import { requireActor } from '../feeds/post.service.ts';
import { attachFiles } from '../files/attachment.repository.ts';
import { referencedFileIds } from '../files/file-links.ts';
import { getDepartment } from '../org/department.repository.ts';
import type { Actor } from '../org/actor.ts';
import type { AudienceEntry, MemoDraftInput } from '../../shared/schemas/memos.ts';
import { isoDay, loadMemo, requireAllowed } from './memo-access.ts';
import { publishLocked } from './memo-publish.service.ts';
import {
	audienceRefusals,
	canApproveMemo,
	canEditMemo,
	canIssueFrom,
	canRetractMemo
} from './memo.policy.ts';
import {
	getMemo,
	insertMemo,
	listDepartmentsOfPeople,
	replaceAudience,
	updateMemoRow,
	type MemoFields,
	type MemoRow
} from './memo.repository.ts';

function fieldsOf(input: MemoDraftInput): MemoFields {
	return {
		title: input.title,
		bodySource: input.body,
		category: input.category,
		issuingDepartmentId: input.issuingDepartmentId,
		reference: input.reference || null,
		requiresApproval: input.requiresApproval,
		dueOn: input.dueOn,
		includeLaterJoiners: input.includeLaterJoiners,
		laterJoinerDays: input.laterJoinerDays,
		attestation: input.attestation || null,
		question: input.question,
		reminderLadder: input.reminderLadder,
		supersedesId: input.supersedesId
	};
}

/**
 * Refuses (audited) an issuing department or audience the actor may not use, and a memo to
 * replace that is not a published memo the actor may retract.
 */
export async function checkIssuer(
	database: Database,
	ctx: RequestContext,
	actor: Actor,
	memoId: number | 'new',
	issuingDepartmentId: number,
	audience: AudienceEntry[],
	supersedesId: number | null = null
): Promise<void> {
	if (supersedesId !== null) {
		const replaced = await getMemo(database, supersedesId);
		if (!replaced || replaced.status !== 'published' || replaced.id === memoId)
			throw new ValidationError('Choose a published memo for this one to replace.', {
				supersedesId: 'Choose a published memo, or none.'
			});
		await requireAllowed(
			ctx,
			canRetractMemo(actor, replaced),
			'memo.supersede',
			supersedesId,
			'Only the author of a memo, the managers of its department and administrators replace it.'
		);
	}
	if (!(await getDepartment(database, issuingDepartmentId)))
		throw new ValidationError('Choose an existing issuing department.', {
			issuingDepartmentId: 'Choose an existing department.'
		});
	const people = await listDepartmentsOfPeople(
		database,
		audience.flatMap((a) => (a.kind === 'person' ? [a.userId] : []))
	);
	const refusals = audienceRefusals(actor, audience, people);
	if (!canIssueFrom(actor, issuingDepartmentId))
		refusals.unshift('You can issue memos only from departments you manage.');
	await requireAllowed(
		ctx,
		refusals.length === 0,
		'memo.issue',
		memoId === 'new' ? 0 : memoId,
		refusals.join(' '),
		{
			issuingDepartmentId
		}
	);
}

/**
 * Creates a draft. Managers issue from and to departments they manage; communications staff
 * and administrators from any department to anyone. Throws ForbiddenError (audited),
 * ValidationError.
 */
export async function createMemoDraft(
	ctx: RequestContext,
	input: MemoDraftInput
): Promise<MemoRow> {
	const actor = requireActor(ctx);
	await checkIssuer(
		db(),
		ctx,
		actor,
		'new',
		input.issuingDepartmentId,
		input.audience,
		input.supersedesId
	);
	return db()
		.transaction()
		.execute(async (trx) => {
			const memo = await insertMemo(trx, { ...fieldsOf(input), createdBy: actor.id });
			await replaceAudience(trx, memo.id, input.audience);
			await attachFiles(
				trx,
				{ memoId: memo.id },
				{
					attachmentIds: referencedFileIds(input.body),
					uploaderId: actor.id
				}
			);
			await recordAudit(trx, ctx, {
				action: 'memo.create',
				objectType: 'memo',
				objectId: memo.id,
				details: { title: memo.title, issuingDepartmentId: memo.issuingDepartmentId }
			});
			return memo;
		});
}

/**
 * Replaces a draft's content and audience. Only drafts change: published text is immutable
 * (amend it instead), and a memo awaiting approval must be returned first.
 * Throws ConflictError (not a draft), ForbiddenError (audited), ValidationError, NotFoundError.
 */
export async function updateMemoDraft(
	ctx: RequestContext,
	memoId: number,
	input: MemoDraftInput
): Promise<MemoRow> {
	const actor = requireActor(ctx);
	const current = await loadMemo(db(), memoId);
	await requireAllowed(
		ctx,
		canEditMemo(actor, current),
		'memo.update',
		memoId,
		'Only the author edits this memo.'
	);
	await checkIssuer(
		db(),
		ctx,
		actor,
		memoId,
		input.issuingDepartmentId,
		input.audience,
		input.supersedesId
	);
	return db()
		.transaction()
		.execute(async (trx) => {
			const memo = await loadMemo(trx, memoId, true);
			if (memo.status !== 'draft')
				throw new ConflictError(
					memo.status === 'awaiting_approval'
						? 'This memo is awaiting approval; it can be edited once it is returned.'
						: 'Published text cannot change. Issue an amendment (a new version) instead.'
				);
			const updated = await updateMemoRow(trx, memoId, fieldsOf(input));
			await replaceAudience(trx, memoId, input.audience);
			await attachFiles(
				trx,
				{ memoId: memoId },
				{
					attachmentIds: referencedFileIds(input.body),
					uploaderId: actor.id
				}
			);
			await recordAudit(trx, ctx, {
				action: 'memo.update',
				objectType: 'memo',
				objectId: memoId,
				details: { title: updated.title }
			});
			return updated;
		});
}

/**
 * Sends a draft for approval by a second person, to be published at `publishAt` (or at once)
 * when approved. Throws ConflictError (not a draft), ForbiddenError, ValidationError.
 */
export async function submitMemo(
	ctx: RequestContext,
	memoId: number,
	input: { publishAt: string | null },
	now: Date = new Date()
): Promise<MemoRow> {
	const actor = requireActor(ctx);
	return db()
		.transaction()
		.execute(async (trx) => {
			const memo = await loadMemo(trx, memoId, true);
			await requireAllowed(
				ctx,
				canEditMemo(actor, memo),
				'memo.submit',
				memoId,
				'Only the author submits this memo.'
			);
			if (memo.status !== 'draft') throw new ConflictError('Only a draft can be submitted.');
			if (memo.dueOn && memo.dueOn < isoDay(now))
				throw new ValidationError('The due date has passed. Choose a later one.', {
					dueOn: 'Choose today or a later date.'
				});
			const updated = await updateMemoRow(trx, memoId, {
				status: 'awaiting_approval',
				requiresApproval: true,
				publishAt: input.publishAt ? new Date(input.publishAt) : null,
				reviewComment: null
			});
			await recordAudit(trx, ctx, { action: 'memo.submit', objectType: 'memo', objectId: memoId });
			return updated;
		});
}

/**
 * Approves a memo awaiting approval and publishes it (or schedules it for its publish time).
 * The approver must be someone other than the author who may issue from the memo's department.
 * Throws ForbiddenError (own memo, or no right; audited), ConflictError, ValidationError.
 */
export async function approveMemo(
	ctx: RequestContext,
	memoId: number,
	now: Date = new Date()
): Promise<MemoRow> {
	const actor = requireActor(ctx);
	const current = await loadMemo(db(), memoId);
	await requireAllowed(
		ctx,
		current.createdBy !== actor.id,
		'memo.approve',
		memoId,
		'You cannot approve your own memo: a second person must approve it.'
	);
	await requireAllowed(
		ctx,
		canApproveMemo(actor, current),
		'memo.approve',
		memoId,
		'Only someone who may issue memos from this department can approve it.'
	);
	return db()
		.transaction()
		.execute(async (trx) => {
			const memo = await loadMemo(trx, memoId, true);
			if (memo.status !== 'awaiting_approval')
				throw new ConflictError('This memo is not awaiting approval.');
			const approved = await updateMemoRow(trx, memoId, {
				reviewedBy: actor.id,
				reviewedAt: now,
				reviewComment: null
			});
			// Published (every recipient row written) before the first audit entry, which holds
			// every other audited write until the commit; the approval is recorded after.
			const published = await publishLocked(trx, ctx, approved, approved.publishAt, now);
			await recordAudit(trx, ctx, { action: 'memo.approve', objectType: 'memo', objectId: memoId });
			return published;
		});
}

/** Returns a memo awaiting approval to its author as a draft, with a comment. */
export async function returnMemo(
	ctx: RequestContext,
	memoId: number,
	input: { comment: string }
): Promise<MemoRow> {
	const actor = requireActor(ctx);
	const current = await loadMemo(db(), memoId);
	await requireAllowed(
		ctx,
		canApproveMemo(actor, current),
		'memo.return',
		memoId,
		'Only a second person who may approve this memo can return it.'
	);
	return db()
		.transaction()
		.execute(async (trx) => {
			const memo = await loadMemo(trx, memoId, true);
			if (memo.status !== 'awaiting_approval')
				throw new ConflictError('This memo is not awaiting approval.');
			const returned = await updateMemoRow(trx, memoId, {
				status: 'draft',
				reviewComment: input.comment,
				reviewedBy: actor.id,
				reviewedAt: new Date()
			});
			await recordAudit(trx, ctx, {
				action: 'memo.return',
				objectType: 'memo',
				objectId: memoId,
				details: { comment: input.comment }
			});
			return returned;
		});
}
