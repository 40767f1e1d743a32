/**
 * A recipient's side of a memo: reading it (the first opening is recorded as "viewed"), the
 * list of their pending memos, and acknowledging the exact version they read. Also the
 * exceptions a manager records for one person: an extended due date, or an acknowledgement
 * recorded on their behalf, each with a reason.
 */
import { recordDenied } from '../audit/audit.service.ts';
import type { RequestContext } from '../context.ts';
import { db } from '../db/index.ts';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../errors.ts';
import { requireActor } from '../feeds/post.service.ts';
import { diffTexts } from '../markdown/diff.ts';
import type { MemoAcknowledgeInput } from '../../shared/schemas/memos.ts';
import type { MemoView, PendingMemo } from '../../shared/memos.ts';
import { isoDay, loadMemo } from './memo-access.ts';
import { announceMemoProgress } from './memo-events.ts';
import { acknowledgeAtomically } from './memo-record.ts';
import { getMemoCounts } from './memo-report.repository.ts';
import { canReadMemo, canViewMemoReport } from './memo.policy.ts';
import {
	getAcknowledgement,
	getRecipient,
	insertAttempt,
	listPendingForPerson,
	markViewed,
	type AcknowledgementRow
} from './memo-recipient.repository.ts';
import { getMemoForRecipient, getVersion, type MemoRow } from './memo.repository.ts';

/** Acknowledging a version that is no longer current; carries the current version's number. */
export class SupersededVersionError extends ConflictError {
	readonly currentVersion: number;
	readonly memoId: number;
	constructor(memoId: number, currentVersion: number) {
		super(
			`This version has been replaced by version ${currentVersion}. Read the new version and acknowledge that one.`
		);
		this.memoId = memoId;
		this.currentVersion = currentVersion;
	}
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/**
 * The memo as the caller sees it: the current version, what changed since the version they
 * acknowledged, and their own record. The first opening by a recipient is recorded as viewed.
 * Drafts are visible to their author and approvers only. Throws NotFoundError.
 */
export async function openMemo(
	ctx: RequestContext,
	/** The memo's id, or its row when the caller has read it already (the memo page). */
	memoOrId: number | MemoRow,
	now: Date = new Date()
): Promise<MemoView> {
	const actor = requireActor(ctx);
	const memo = typeof memoOrId === 'number' ? await loadMemo(db(), memoOrId) : memoOrId;
	const memoId = memo.id;
	let recipient = await getRecipient(db(), memoId, actor.id);
	if (!canReadMemo(actor, memo, Boolean(recipient)))
		throw new NotFoundError('That memo does not exist.');
	if (recipient && !recipient.firstViewedAt && memo.status === 'published') {
		await markViewed(db(), memoId, actor.id, now);
		recipient = { ...recipient, firstViewedAt: now };
	}
	const version = memo.currentVersion ? await getVersion(db(), memoId, memo.currentVersion) : null;
	let changes: MemoView['changes'] = null;
	const seen = recipient?.acknowledgedVersion;
	if (version && seen && seen < version.number) {
		const before = await getVersion(db(), memoId, seen);
		if (before)
			changes = { fromVersion: seen, ...diffTexts(before.bodySource, version.bodySource) };
	}
	return {
		id: memo.id,
		title: memo.title,
		category: memo.category,
		reference: memo.reference,
		status: memo.status,
		issuingDepartmentId: memo.issuingDepartmentId,
		createdBy: memo.createdBy,
		dueOn: memo.dueOn,
		currentVersion: memo.currentVersion,
		publishedAt: iso(memo.publishedAt),
		attestation: memo.attestation,
		question: memo.question
			? { prompt: memo.question.prompt, options: memo.question.options }
			: null,
		version: !version
			? null
			: {
					number: version.number,
					title: version.title,
					bodyHtml: version.bodyHtml,
					contentHash: version.contentHash,
					changeKind: version.changeKind as 'initial',
					changeNote: version.changeNote,
					createdAt: version.createdAt.toISOString()
				},
		changes,
		recipient: !recipient
			? null
			: {
					state: recipient.state as 'pending',
					dueOn: recipient.dueOn,
					overdue: recipient.state === 'pending' && recipient.dueOn < isoDay(now),
					deliveredAt: recipient.deliveredAt.toISOString(),
					firstViewedAt: iso(recipient.firstViewedAt),
					acknowledgedAt: iso(recipient.acknowledgedAt),
					acknowledgedVersion: recipient.acknowledgedVersion
				},
		supersededBy: memo.supersededBy,
		canViewReport: canViewMemoReport(actor, memo)
	};
}

/** The caller's pending memos, soonest due first (for the banner). */
export async function listMyPendingMemos(
	ctx: RequestContext,
	now: Date = new Date()
): Promise<PendingMemo[]> {
	const actor = requireActor(ctx);
	const rows = await listPendingForPerson(db(), actor.id);
	return rows.map((r) => toPendingMemo(r, now));
}

/** A row of `pendingForPersonQuery` as the banner and the memos page show it. */
export function toPendingMemo(
	r: Awaited<ReturnType<typeof listPendingForPerson>>[number],
	now: Date = new Date()
): PendingMemo {
	return {
		id: r.id,
		title: r.title,
		category: r.category,
		version: r.currentVersion,
		dueOn: r.dueOn,
		overdue: r.dueOn < isoDay(now),
		firstViewedAt: iso(r.firstViewedAt)
	};
}

/** Refuses acknowledgements of memos that are not live, or of versions that are not current. */
export function checkAcknowledgeable(memo: MemoRow, version: number): void {
	if (memo.status === 'retracted')
		throw new ConflictError('This memo was retracted; there is nothing to acknowledge.');
	if (memo.status === 'superseded')
		throw new ConflictError(
			`This memo was superseded${memo.supersededBy ? ` by memo ${memo.supersededBy}` : ''}.`
		);
	if (memo.status !== 'published') throw new NotFoundError('That memo does not exist.');
	if (version !== memo.currentVersion)
		throw new SupersededVersionError(memo.id, memo.currentVersion);
}

/**
 * Records that the caller read and understood `input.version` of the memo: their person, the
 * version, the SHA-256 of its content, the time, IP address and user agent. Acknowledging again
 * (a double click) returns the same acknowledgement. Throws ForbiddenError (not addressed to
 * them; audited), SupersededVersionError (409), ConflictError (retracted), ValidationError
 * (attestation not ticked, or a wrong answer: the attempt is recorded and the explanation given).
 */
export async function acknowledgeMemo(
	ctx: RequestContext,
	memoId: number,
	input: MemoAcknowledgeInput,
	now: Date = new Date()
): Promise<{ acknowledgement: AcknowledgementRow; duplicate: boolean }> {
	const actor = requireActor(ctx);
	// One read for the checks: the memo, the person's recipient row and the version's hash.
	const found = await getMemoForRecipient(db(), memoId, actor.id);
	if (!found) throw new NotFoundError('That memo does not exist.');
	const { memo, recipient, currentContentHash } = found;
	if (!recipient) {
		await recordDenied(ctx, 'memo.acknowledge', 'memo', memoId);
		throw new ForbiddenError('This memo is not addressed to you.');
	}
	checkAcknowledgeable(memo, input.version);
	if (recipient.state === 'acknowledged' && recipient.acknowledgedVersion === input.version) {
		const existing = await getAcknowledgement(db(), memoId, actor.id, input.version);
		if (existing) return { acknowledgement: existing, duplicate: true };
	}
	if (memo.attestation && !input.attested)
		throw new ValidationError('Tick the statement to confirm it before acknowledging.', {
			attested: memo.attestation
		});
	if (memo.question) {
		const correct = input.answer === memo.question.answer;
		if (input.answer === null)
			throw new ValidationError('Answer the question before acknowledging.', {
				answer: 'Choose an answer.'
			});
		await insertAttempt(db(), {
			memoId,
			userId: actor.id,
			versionNumber: input.version,
			answer: input.answer,
			correct,
			createdAt: now
		});
		if (!correct)
			throw new ValidationError(
				`That answer is not right. ${memo.question.explanation || 'Read the memo again and try once more.'}`,
				{ answer: 'Not the right answer: read the memo again and try once more.' }
			);
	}
	// One statement, committed by itself: locks, writes and the audit entry (see
	// acknowledgeAtomically), so the audit chain is never held while this process waits.
	const ack = {
		id: found.nextAcknowledgementId,
		memoId,
		userId: actor.id,
		versionNumber: input.version,
		// The hash of the version checked above (versions never change).
		contentHash: currentContentHash!,
		acknowledgedAt: now,
		ip: ctx.ip,
		userAgent: ctx.userAgent?.slice(0, 512) ?? null,
		attested: !!memo.attestation && input.attested,
		onBehalfBy: null,
		onBehalfReason: null
	};
	const outcome = await acknowledgeAtomically(db(), ctx, ack);
	if (!outcome.locked) {
		// The memo changed between the read and the statement: say how.
		checkAcknowledgeable(await loadMemo(db(), memoId), input.version);
		throw new ConflictError('This memo changed while you acknowledged it. Open it again.');
	}
	const result = outcome.acknowledgement
		? { acknowledgement: outcome.acknowledgement, duplicate: false }
		: {
				acknowledgement: (await getAcknowledgement(db(), memoId, actor.id, input.version))!,
				duplicate: true
			};
	if (!result.duplicate)
		announceMemoProgress(memoId, () => getMemoCounts(db(), memoId, isoDay(now)));
	return result;
}
