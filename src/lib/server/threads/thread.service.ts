/**
 * Threads: starting them, opening the one linked to a post ("Discuss"), listing them, joining
 * one live, and read positions. Messages are in message.service.ts.
 */
import { recordDenied } from '../audit/audit.service.ts';
import type { RequestContext } from '../context.ts';
import { db } from '../db/index.ts';
import { ForbiddenError, NotFoundError, ValidationError } from '../errors.ts';
import { getVisiblePost, hiddenDepartmentsOf, requireActor } from '../feeds/post.service.ts';
import { getVisiblePage } from '../knowledge/page.service.ts';
import { renderExcerpt } from '../markdown/render.ts';
import { markThreadNotificationsReadFor } from '../notifications/notification.service.ts';
import type { Actor } from '../org/actor.ts';
import { getDepartment, listDepartmentRecords } from '../org/department.repository.ts';
import type { ThreadInput } from '../../shared/schemas/threads.ts';
import type { ThreadListItem, ThreadView } from '../../shared/threads.ts';
import { enqueueSearchIndex } from '../search/outbox.repository.ts';
import { broadcastReadPosition } from './thread-events.ts';
import { canPostInThread, canSeeThread, canStartThread } from './thread.policy.ts';
import {
	advanceReadPosition,
	ensureParticipant,
	getDepartmentRef,
	getThread,
	getThreadBySubject,
	insertThread,
	listThreadsIn,
	listReadPositions,
	listThreadsOfParticipant,
	type ThreadRow
} from './thread.repository.ts';

type DepartmentRef = { id: number; name: string; slug: string } | null;

export function toThreadView(actor: Actor, row: ThreadRow, department: DepartmentRef): ThreadView {
	return {
		id: row.id,
		title: row.title,
		department,
		subject:
			row.subjectType && row.subjectId
				? { type: row.subjectType as 'post' | 'page' | 'memo', id: row.subjectId }
				: null,
		announceOnly: row.announceOnly,
		lastSeq: row.lastSeq,
		lastMessageAt: row.lastMessageAt?.toISOString() ?? null,
		createdAt: row.createdAt.toISOString(),
		can: { post: canPostInThread(actor, row) }
	};
}

/**
 * The thread if the actor may see it. NotFoundError otherwise; `audit` records the refusal of a
 * thread that exists (someone tried to join what they may not see).
 */
export async function getVisibleThread(
	ctx: RequestContext,
	threadId: number,
	audit?: string
): Promise<{ actor: Actor; thread: ThreadRow }> {
	const actor = requireActor(ctx);
	const thread = await getThread(db(), threadId);
	if (thread && !canSeeThread(await hiddenDepartmentsOf(actor), thread)) {
		if (audit) await recordDenied(ctx, audit, 'thread', threadId);
		throw new NotFoundError('That thread does not exist.');
	}
	if (!thread) throw new NotFoundError('That thread does not exist.');
	return { actor, thread };
}

async function departmentOf(departmentId: number | null): Promise<DepartmentRef> {
	return departmentId === null ? null : ((await getDepartmentRef(db(), departmentId)) ?? null);
}

/**
 * Starts a thread in a department (members, managers) or for the whole organisation (anyone).
 * Announce-only threads need communications, administrator, or the department's manager.
 */
export async function startThread(ctx: RequestContext, input: ThreadInput): Promise<ThreadView> {
	const actor = requireActor(ctx);
	const departmentId = input.home === 'organisation' ? null : input.home;
	if (departmentId !== null) {
		const department = await getDepartment(db(), departmentId);
		if (!department || (await hiddenDepartmentsOf(actor)).includes(departmentId))
			throw new ValidationError('That department does not exist.', {
				home: 'Choose one of the listed departments.'
			});
	}
	if (!canStartThread(actor, departmentId, input.announceOnly)) {
		await recordDenied(ctx, 'thread.create', 'department', departmentId ?? 'organisation');
		throw new ForbiddenError(
			input.announceOnly
				? 'Only managers, the communications team and administrators start announce-only threads.'
				: 'You can start threads in your own department and the ones you manage.'
		);
	}
	const row = await db()
		.transaction()
		.execute(async (trx) => {
			const inserted = await insertThread(trx, {
				title: input.title,
				departmentId,
				announceOnly: input.announceOnly,
				createdBy: actor.id
			});
			await enqueueSearchIndex(trx, [{ kind: 'thread', id: inserted!.id }]);
			return inserted;
		});
	return toThreadView(actor, row!, await departmentOf(departmentId));
}

/**
 * The thread that discusses a post, created on first use. Anyone who may see the post may open
 * it; it lives where the post lives, so it has the post's visibility.
 */
export async function openPostThread(ctx: RequestContext, postId: number): Promise<ThreadView> {
	const actor = requireActor(ctx);
	const post = await getVisiblePost(ctx, postId);
	if (post.deletedAt) throw new NotFoundError('That post has been deleted.');
	const existing = await getThreadBySubject(db(), 'post', postId);
	const row =
		existing ??
		(await db()
			.transaction()
			.execute(async (trx) => {
				const inserted = await insertThread(trx, {
					title: `Discussion: ${renderExcerpt(post.bodySource, 80)}`,
					departmentId: post.departmentId,
					announceOnly: false,
					createdBy: actor.id,
					subjectType: 'post',
					subjectId: postId
				});
				if (inserted) await enqueueSearchIndex(trx, [{ kind: 'thread', id: inserted.id }]);
				return inserted;
			})) ??
		// Someone else created it in the same instant.
		(await getThreadBySubject(db(), 'post', postId))!;
	return toThreadView(actor, row, await departmentOf(row.departmentId));
}

/**
 * The thread that discusses a knowledge page, created on first use. Anyone who may see the page
 * may open it; it lives in the page's space, so it has the page's visibility.
 */
export async function openPageThread(ctx: RequestContext, pageId: number): Promise<ThreadView> {
	const actor = requireActor(ctx);
	const page = await getVisiblePage(ctx, pageId);
	const existing = await getThreadBySubject(db(), 'page', pageId);
	const row =
		existing ??
		(await insertThread(db(), {
			title: `Discussion: ${page.title}`.slice(0, 200),
			departmentId: page.departmentId,
			announceOnly: false,
			createdBy: actor.id,
			subjectType: 'page',
			subjectId: pageId
		})) ??
		// Someone else created it in the same instant.
		(await getThreadBySubject(db(), 'page', pageId))!;
	return toThreadView(actor, row, await departmentOf(row.departmentId));
}

/** One thread as its page shows it. NotFoundError when hidden or missing. */
export async function getThreadView(ctx: RequestContext, threadId: number): Promise<ThreadView> {
	const { actor, thread } = await getVisibleThread(ctx, threadId);
	return toThreadView(actor, thread, await departmentOf(thread.departmentId));
}

/** A department's threads (or the organisation's when null), most recently active first. */
export async function listThreads(
	ctx: RequestContext,
	departmentId: number | null
): Promise<ThreadView[]> {
	const actor = requireActor(ctx);
	if (departmentId !== null && (await hiddenDepartmentsOf(actor)).includes(departmentId))
		throw new NotFoundError('That department does not exist.');
	const rows = await listThreadsIn(db(), departmentId, 100);
	return rows.map((r) =>
		toThreadView(
			actor,
			r,
			r.departmentId === null
				? null
				: { id: r.departmentId, name: r.departmentName ?? '', slug: r.departmentSlug ?? '' }
		)
	);
}

/** "My threads": the ones the actor has opened or written in, with unread counts. */
export async function listMyThreads(ctx: RequestContext): Promise<ThreadListItem[]> {
	const actor = requireActor(ctx);
	const rows = await listThreadsOfParticipant(
		db(),
		actor.id,
		await hiddenDepartmentsOf(actor),
		100
	);
	return rows.map((r) => ({
		...toThreadView(
			actor,
			r,
			r.departmentId === null
				? null
				: { id: r.departmentId, name: r.departmentName ?? '', slug: r.departmentSlug ?? '' }
		),
		readSeq: r.lastReadSeq,
		unread: Math.max(0, r.lastSeq - r.lastReadSeq)
	}));
}

/**
 * Checks that the actor may join a thread live and makes them a participant. Refusals are audited.
 * Returns the thread and the actor's read position.
 */
export async function joinThread(ctx: RequestContext, threadId: number) {
	const { actor, thread } = await getVisibleThread(ctx, threadId, 'thread.join');
	const readSeq = await ensureParticipant(db(), threadId, actor.id);
	return {
		thread: toThreadView(actor, thread, await departmentOf(thread.departmentId)),
		readSeq,
		readers: await listReadPositions(db(), threadId)
	};
}

/** Moves the actor's read position forward (never back, never past the last message). */
export async function markRead(
	ctx: RequestContext,
	threadId: number,
	seq: number
): Promise<number> {
	const { actor, thread } = await getVisibleThread(ctx, threadId);
	const position = await advanceReadPosition(
		db(),
		threadId,
		actor.id,
		Math.min(seq, thread.lastSeq)
	);
	broadcastReadPosition(threadId, actor.id, position);
	// What they have read in the thread is read in the notification centre too.
	await markThreadNotificationsReadFor(actor.id, threadId, position);
	return position;
}

/**
 * Where the actor may start a thread (the organisation, their departments and the ones they
 * manage), and every department they may browse, for the threads page.
 */
export async function listThreadHomes(ctx: RequestContext) {
	const actor = requireActor(ctx);
	const [departments, hidden] = await Promise.all([
		listDepartmentRecords(db()),
		hiddenDepartmentsOf(actor)
	]);
	const visible = departments
		.filter((d) => !hidden.includes(d.id))
		.map((d) => ({ id: d.id, name: d.name, slug: d.slug }));
	return {
		startIn: [
			{ value: 'organisation', label: 'Whole organisation' },
			...visible
				.filter((d) => canStartThread(actor, d.id, false))
				.map((d) => ({ value: String(d.id), label: d.name }))
		],
		browse: visible
	};
}
