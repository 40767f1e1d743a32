/**
 * The issuer's desk: what the memo pages show besides the text. The memos a person wrote or may
 * approve, the departments they may issue from and address, a draft as the edit form shows it,
 * and, on a memo's page, its audience, who it would reach, and what the viewer may do next.
 */
import type { RequestContext } from '../context.ts';
import { db } from '../db/index.ts';
import { ConflictError, NotFoundError } from '../errors.ts';
import { requireActor } from '../feeds/post.service.ts';
import type { Actor } from '../org/actor.ts';
import { treeOrder } from '../org/department-tree.ts';
import { listDepartmentRefsCached } from '../org/department.repository.ts';
import { getPerson } from '../org/person.repository.ts';
import {
	audienceToken,
	memoFormValues,
	parseAudienceToken,
	type MemoFormValues
} from '../../shared/schemas/memo-form.ts';
import type { AudienceEntry } from '../../shared/schemas/memos.ts';
import type {
	AudienceEntryView,
	DepartmentOption,
	MemoDeskRow,
	MemoDeskView,
	ReceivedMemoRow
} from '../../shared/memos.ts';
import { renderMarkdown } from '../markdown/render.ts';
import { loadMemo } from './memo-access.ts';
import {
	listReplaceableMemos,
	listAwaitingApproval,
	listMemosByAuthor,
	listPeopleNames,
	listReceivedMemos
} from './memo-desk.repository.ts';
import { previewAudience } from './memo-recipient.repository.ts';
import {
	canApproveMemo,
	canEditMemo,
	canIssueFrom,
	canIssueMemos,
	canViewMemoReport,
	issuesToAnyone
} from './memo.policy.ts';
import {
	getMemo,
	getVersion,
	listAudience,
	listVersions,
	type MemoRow
} from './memo.repository.ts';
import { openMemo } from './memo-ack.service.ts';
import { amendedDueOn } from './memo-publish.service.ts';
import { listMemoFiles } from './memo-files.service.ts';

const ROLE_LABELS: Record<string, string> = {
	staff: 'Everyone with the staff role',
	manager: 'All managers',
	communications: 'Communications staff',
	admin: 'Administrators'
};

/**
 * The departments the actor may issue from and address, in tree order and indented: every
 * department they can see for communications staff and administrators, their subtree for a
 * manager.
 */
export async function listIssuerDepartments(ctx: RequestContext): Promise<DepartmentOption[]> {
	const actor = requireActor(ctx);
	const hidden = new Set(actor.hiddenDepartmentIds);
	const refs = await listDepartmentRefsCached(db());
	return treeOrder(refs.filter((d) => !hidden.has(d.id) && canIssueFrom(actor, d.id))).map(
		// Options cannot hold markup: non-breaking spaces and a dash show the depth.
		({ department: d, depth }) => ({
			id: d.id,
			name: d.name,
			label: `${'\u00a0\u00a0'.repeat(depth)}${depth ? '– ' : ''}${d.name}`
		})
	);
}

export type MemoDesk = {
	canIssue: boolean;
	mine: MemoDeskRow[];
	awaitingMyApproval: MemoDeskRow[];
	received: ReceivedMemoRow[];
};

/** The memos page beyond the pending list: what the person wrote, may approve, and received. */
export async function getMemoDesk(ctx: RequestContext): Promise<MemoDesk> {
	const actor = requireActor(ctx);
	const canIssue = canIssueMemos(actor);
	const [mine, awaitingMyApproval, received] = await Promise.all([
		canIssue ? listMemosByAuthor(db(), actor.id) : [],
		canIssue
			? listAwaitingApproval(
					db(),
					actor.id,
					issuesToAnyone(actor) ? 'all' : actor.managedDepartmentIds
				)
			: [],
		listReceivedMemos(db(), actor.id)
	]);
	return { canIssue, mine, awaitingMyApproval, received };
}

/**
 * The audience entries with the names people read ("Finance and its sub-departments"), as
 * `viewer` may see them: a members-only department they are not in, and its people, go by
 * number, never by name (the form echoes whatever tokens were posted).
 */
export async function describeAudience(
	viewer: Actor,
	entries: AudienceEntry[]
): Promise<AudienceEntryView[]> {
	const hidden = new Set(viewer.hiddenDepartmentIds);
	const refs = await listDepartmentRefsCached(db());
	const departments = new Map(refs.filter((d) => !hidden.has(d.id)).map((d) => [d.id, d.name]));
	const people = new Map(
		(
			await listPeopleNames(
				db(),
				entries.flatMap((e) => (e.kind === 'person' ? [e.userId] : []))
			)
		)
			.filter((p) => !hidden.has(p.departmentId))
			.map((p) => [p.id, `${p.name} (${p.departmentName})`])
	);
	return entries.map((entry) => {
		let label: string;
		switch (entry.kind) {
			case 'organisation':
				label = 'The whole organisation';
				break;
			case 'department': {
				const name = departments.get(entry.departmentId) ?? `Department ${entry.departmentId}`;
				label = entry.includeSub ? `${name} and its sub-departments` : `${name} only`;
				break;
			}
			case 'role':
				label = ROLE_LABELS[entry.roleKey] ?? entry.roleKey;
				break;
			case 'person':
				label = people.get(entry.userId) ?? `Person ${entry.userId}`;
				break;
		}
		return { token: audienceToken(entry), label, exclude: entry.exclude };
	});
}

/** The form's audience tokens with their names (to show again after a refused save). */
export async function describeAudienceTokens(
	ctx: RequestContext,
	tokens: string[]
): Promise<AudienceEntryView[]> {
	return describeAudience(
		requireActor(ctx),
		tokens.map(parseAudienceToken).filter((e): e is AudienceEntry => e !== null)
	);
}

/**
 * A draft as the edit form shows it, for its author (or an administrator). Throws NotFoundError
 * (not theirs: a draft is private to its author), ConflictError (no longer a draft).
 */
export async function getMemoDraftForm(
	ctx: RequestContext,
	memoId: number
): Promise<{ memo: MemoRow; values: MemoFormValues; audience: AudienceEntryView[] }> {
	const actor = requireActor(ctx);
	const memo = await loadMemo(db(), memoId);
	if (!canEditMemo(actor, memo)) throw new NotFoundError('That memo does not exist.');
	if (memo.status !== 'draft')
		throw new ConflictError(
			memo.status === 'awaiting_approval'
				? 'This memo is awaiting approval; it can be edited once it is returned.'
				: 'Published text cannot change. Issue an amendment (a new version) instead.'
		);
	const entries = await listAudience(db(), memoId);
	return {
		memo,
		values: memoFormValues({
			title: memo.title,
			body: memo.bodySource,
			category: memo.category as 'notice',
			issuingDepartmentId: memo.issuingDepartmentId,
			reference: memo.reference,
			requiresApproval: memo.requiresApproval,
			dueOn: memo.dueOn,
			includeLaterJoiners: memo.includeLaterJoiners,
			laterJoinerDays: memo.laterJoinerDays,
			attestation: memo.attestation,
			question: memo.question,
			reminderLadder: memo.reminderLadder,
			supersedesId: memo.supersedesId,
			audience: entries
		}),
		audience: await describeAudience(actor, entries)
	};
}

/**
 * What the memo's page shows the people who run it (author, approvers, the issuing department's
 * managers, administrators): null for everyone else.
 */
export async function getMemoDeskView(
	ctx: RequestContext,
	/** The memo's id, or its row when the caller has read it already. */
	memoOrId: number | MemoRow
): Promise<MemoDeskView | null> {
	const actor = requireActor(ctx);
	const memo = typeof memoOrId === 'number' ? await loadMemo(db(), memoOrId) : memoOrId;
	const memoId = memo.id;
	const edits = canEditMemo(actor, memo);
	const reports = canViewMemoReport(actor, memo);
	const approves = memo.status === 'awaiting_approval' && canApproveMemo(actor, memo);
	if (!edits && !reports && !approves) return null;
	const unpublished = ['draft', 'awaiting_approval', 'scheduled'].includes(memo.status);
	const [entries, preview, versions, author, departments] = await Promise.all([
		listAudience(db(), memoId),
		unpublished ? previewAudience(db(), memoId) : null,
		listVersions(db(), memoId),
		getPerson(db(), memo.createdBy),
		listDepartmentRefsCached(db())
	]);
	const mayIssue = canIssueFrom(actor, memo.issuingDepartmentId);
	return {
		status: memo.status,
		authorName: author?.name ?? 'A former colleague',
		departmentName: departments.find((d) => d.id === memo.issuingDepartmentId)?.name ?? '',
		requiresApproval: memo.requiresApproval,
		reviewComment: memo.reviewComment,
		publishAt: memo.publishAt?.toISOString() ?? null,
		retractionReason: memo.retractionReason,
		draftHtml: memo.currentVersion ? null : renderMarkdown(memo.bodySource).html,
		audience: await describeAudience(actor, entries),
		preview,
		versions: versions.map((v) => ({
			number: v.number,
			changeKind: v.changeKind,
			changeNote: v.changeNote,
			createdAt: v.createdAt.toISOString()
		})),
		can: {
			edit: edits && memo.status === 'draft',
			publish: edits && mayIssue && memo.status === 'draft' && !memo.requiresApproval,
			submit: edits && memo.status === 'draft',
			approve: approves,
			amend: edits && memo.status === 'published',
			retract: (edits || reports) && (memo.status === 'published' || memo.status === 'scheduled')
		}
	};
}

/** The editor's live preview: the shared renderer's output, exactly what publishing stores. */
export function previewMemoBody(ctx: RequestContext, body: string): { html: string } {
	requireActor(ctx);
	return { html: renderMarkdown(body).html };
}

/**
 * The current version's text for its author to amend. Throws NotFoundError (not theirs),
 * ConflictError (not published).
 */
export async function getMemoForAmending(
	ctx: RequestContext,
	memoId: number
): Promise<{ id: number; title: string; body: string; version: number; dueOn: string }> {
	const actor = requireActor(ctx);
	const memo = await loadMemo(db(), memoId);
	if (!canEditMemo(actor, memo)) throw new NotFoundError('That memo does not exist.');
	if (memo.status !== 'published') throw new ConflictError('Only a published memo can be amended.');
	const version = (await getVersion(db(), memoId, memo.currentVersion))!;
	return {
		id: memo.id,
		title: version.title,
		body: version.bodySource,
		version: version.number,
		dueOn: amendedDueOn(memo, new Date())
	};
}

/** Published memos the caller may replace with a new one (the form's "Replaces" choice). */
export async function listMemosToReplace(
	ctx: RequestContext
): Promise<{ id: number; title: string }[]> {
	const actor = requireActor(ctx);
	return listReplaceableMemos(db(), actor.id, actor.isAdmin ? 'all' : actor.managedDepartmentIds);
}

/**
 * Everything the memo's page shows, reading the memo once: the memo as the caller sees it
 * (opening it the first time records that they viewed it; NotFoundError when they may not),
 * its desk for the people who run it, its files, and the memo it replaces.
 */
export async function getMemoPage(ctx: RequestContext, memoId: number) {
	const row = await loadMemo(db(), memoId);
	const memo = await openMemo(ctx, row);
	const [desk, files, replaced] = await Promise.all([
		getMemoDeskView(ctx, row),
		listMemoFiles(memoId),
		row.supersedesId ? getMemo(db(), row.supersedesId) : undefined
	]);
	return {
		memo,
		desk,
		files,
		replaces: replaced ? { id: replaced.id, title: replaced.title } : null
	};
}
