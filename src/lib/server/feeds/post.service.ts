/**
 * Posts: writing, editing (with history), deleting, pinning and reacting. Policies in
 * post.policy.ts decide; every refusal is audited; realtime announcements go out after commit.
 */
import { recordAudit, recordDenied } from '../audit/audit.service.ts';
import type { RequestContext } from '../context.ts';
import { db, type Database } from '../db/index.ts';
import {
	ConflictError,
	ForbiddenError,
	NotFoundError,
	UnauthorizedError,
	ValidationError
} from '../errors.ts';
import { attachFiles } from '../files/attachment.repository.ts';
import { renderExcerpt, renderMarkdown } from '../markdown/render.ts';
import type { Actor } from '../org/actor.ts';
import {
	getAncestry,
	getDepartment,
	listHiddenDepartmentIds,
	listSubtreeIds
} from '../org/department.repository.ts';
import {
	deleteNotificationsAbout,
	insertNotifications
} from '../notifications/notification.repository.ts';
import { publishUnreadCounts } from '../notifications/notification-events.ts';
import type { PostInput, ReactionKind } from '../../shared/schemas/feeds.ts';
import { enqueueCommentsOfPost, enqueueSearchIndex } from '../search/outbox.repository.ts';
import { announceNewPost } from './feed-events.ts';
import {
	canAnnounce,
	canDeletePost,
	canEditPost,
	canPinPost,
	canPostTo,
	canSeePost,
	canViewPostHistory
} from './post.policy.ts';
import {
	deleteReaction,
	getPostRow,
	getPostRowForUpdate,
	insertPost,
	insertReaction,
	listPostRevisions,
	listReactors,
	revisePostBody,
	setPostPinned,
	softDeletePost,
	type PostRow
} from './post.repository.ts';

export function requireActor(ctx: RequestContext): Actor {
	if (!ctx.actor) throw new UnauthorizedError('Sign in first.');
	return ctx.actor;
}

/** What the actor may not see (loaded with the actor, so no query here). */
export async function hiddenDepartmentsOf(actor: Actor): Promise<number[]> {
	return actor.hiddenDepartmentIds;
}

/**
 * Where the people who may see a department's posts work: null when everyone may (no members-only
 * department above it), else the subtree of the nearest members-only department.
 */
export async function audienceDepartmentIds(
	database: Database,
	departmentId: number | null
): Promise<number[] | null> {
	if (departmentId === null) return null;
	const ancestry = await getAncestry(database, departmentId);
	const privateRoot = ancestry.find((d) => d.visibility === 'members-only');
	return privateRoot ? listSubtreeIds(database, privateRoot.id) : null;
}

/**
 * The post if the actor may see it (deleted posts included: callers decide what to show).
 * Throws NotFoundError otherwise: a post someone may not see does not exist for them.
 */
export async function getVisiblePost(ctx: RequestContext, postId: number): Promise<PostRow> {
	const actor = requireActor(ctx);
	const post = await getPostRow(db(), postId);
	if (!post || !canSeePost(await hiddenDepartmentsOf(actor), post))
		throw new NotFoundError('That post does not exist or has been removed.');
	return post;
}

/** Whether the actor may see a post: what file downloads and comment links check. */
export async function canViewPost(ctx: RequestContext, postId: number): Promise<boolean> {
	return getVisiblePost(ctx, postId).then(
		(post) => post.deletedAt === null,
		() => false
	);
}

async function storeMentions(
	database: Database,
	actor: Actor,
	input: {
		mentions: number[];
		subjectType: string;
		subjectId: number;
		postId: number;
		body: string;
	},
	departmentId: number | null
): Promise<void> {
	if (!input.mentions.length) return;
	await insertNotifications(database, {
		recipientIds: input.mentions.slice(0, 50),
		kind: 'mention',
		actorId: actor.id,
		subjectType: input.subjectType,
		subjectId: input.subjectId,
		context: { postId: input.postId, excerpt: renderExcerpt(input.body, 160) },
		visibleToDepartmentIds: (await audienceDepartmentIds(database, departmentId)) ?? undefined
	});
}

/**
 * Publishes a post to a department's feed or the organisation's. Members post in their own
 * department, managers in the ones they manage, communications and administrators
 * organisation-wide. Throws ValidationError, ForbiddenError (audited) or NotFoundError.
 */
export async function createPost(
	ctx: RequestContext,
	input: PostInput,
	now: Date = new Date()
): Promise<PostRow> {
	const actor = requireActor(ctx);
	const departmentId = input.audience === 'organisation' ? null : input.audience;
	if (departmentId !== null) {
		const department = await getDepartment(db(), departmentId);
		if (!department || (await hiddenDepartmentsOf(actor)).includes(departmentId))
			throw new ValidationError('That department does not exist.', {
				audience: 'Choose one of the listed departments.'
			});
	}
	if (!canPostTo(actor, departmentId)) {
		await recordDenied(ctx, 'post.create', 'department', departmentId ?? 'organisation');
		throw new ForbiddenError(
			departmentId === null
				? 'Only the communications team and administrators post to the whole organisation.'
				: 'You can post in your own department and the ones you manage.'
		);
	}
	if (input.announcement && (departmentId !== null || !canAnnounce(actor)))
		throw new ValidationError('Announcements go to the whole organisation.', {
			announcement: 'Post to the whole organisation to make this an announcement.'
		});

	const { html, mentions } = renderMarkdown(input.body);
	const audience = await audienceDepartmentIds(db(), departmentId);
	const post = await db()
		.transaction()
		.execute(async (trx) => {
			const row = await insertPost(trx, {
				authorId: actor.id,
				departmentId,
				bodySource: input.body,
				bodyHtml: html,
				isAnnouncement: input.announcement,
				createdAt: now
			});
			if (input.attachmentIds.length) {
				const attached = await attachFiles(
					trx,
					{ postId: row.id },
					{
						attachmentIds: input.attachmentIds,
						uploaderId: actor.id
					}
				);
				if (attached !== input.attachmentIds.length)
					throw new ValidationError('One of the files is no longer available; upload it again.', {
						attachments: 'Upload the files again.'
					});
			}
			await storeMentions(
				trx,
				actor,
				{ mentions, subjectType: 'post', subjectId: row.id, postId: row.id, body: input.body },
				departmentId
			);
			await enqueueSearchIndex(trx, [{ kind: 'post', id: row.id }]);
			return row;
		});
	announceNewPost({
		id: post.id,
		authorId: actor.id,
		departmentId,
		isPrivate: audience !== null
	});
	return post;
}

async function requirePostFor(
	ctx: RequestContext,
	database: Database,
	postId: number
): Promise<{ actor: Actor; post: PostRow }> {
	const actor = requireActor(ctx);
	const post = await getPostRowForUpdate(database, postId);
	if (!post || !canSeePost(await listHiddenDepartmentIds(database, actor.departmentPath), post))
		throw new NotFoundError('That post does not exist or has been removed.');
	if (post.deletedAt) throw new ConflictError('This post has been deleted.');
	return { actor, post };
}

/**
 * Replaces a post's text, keeping the earlier version. Only the author. New mentions are told;
 * people already mentioned are not told again. Throws NotFoundError, ConflictError (deleted),
 * ForbiddenError (audited).
 */
export async function editPost(
	ctx: RequestContext,
	postId: number,
	input: { body: string },
	now: Date = new Date()
): Promise<PostRow> {
	return db()
		.transaction()
		.execute(async (trx) => {
			const { actor, post } = await requirePostFor(ctx, trx, postId);
			if (!canEditPost(actor, post)) {
				await recordDenied(ctx, 'post.edit', 'post', postId);
				throw new ForbiddenError('Only the author can edit a post.');
			}
			if (input.body === post.bodySource) return post;
			const { html, mentions } = renderMarkdown(input.body);
			const updated = await revisePostBody(trx, post, {
				bodySource: input.body,
				bodyHtml: html,
				editedAt: now
			});
			await storeMentions(
				trx,
				actor,
				{ mentions, subjectType: 'post', subjectId: post.id, postId: post.id, body: input.body },
				post.departmentId
			);
			await enqueueSearchIndex(trx, [{ kind: 'post', id: post.id }]);
			return updated;
		});
}

/** Earlier versions of a post, newest first: the author, its moderators and administrators. */
export async function listPostHistory(ctx: RequestContext, postId: number) {
	const post = await getVisiblePost(ctx, postId);
	if (!canViewPostHistory(ctx.actor!, post)) {
		await recordDenied(ctx, 'post.history', 'post', postId);
		throw new ForbiddenError(
			'Only the author, the department’s managers and administrators see earlier versions.'
		);
	}
	return { post, revisions: await listPostRevisions(db(), postId) };
}

/**
 * Deletes a post (softly: it disappears from every feed; the audit trail keeps who and when).
 * The author, the department's managers, and administrators.
 */
export async function deletePost(ctx: RequestContext, postId: number, now: Date = new Date()) {
	const notified = await db()
		.transaction()
		.execute(async (trx) => {
			const { actor, post } = await requirePostFor(ctx, trx, postId);
			if (!canDeletePost(actor, post)) {
				await recordDenied(ctx, 'post.delete', 'post', postId);
				throw new ForbiddenError(
					'Only the author, the department’s managers and administrators can delete a post.'
				);
			}
			await softDeletePost(trx, postId, actor.id, now);
			await enqueueSearchIndex(trx, [{ kind: 'post', id: postId }]);
			await enqueueCommentsOfPost(trx, postId);
			await recordAudit(trx, ctx, {
				action: 'post.delete',
				objectType: 'post',
				objectId: postId,
				details: { authorId: post.authorId, departmentId: post.departmentId }
			});
			return deleteNotificationsAbout(trx, { post: postId });
		});
	await publishUnreadCounts(db(), notified);
}

/** Pins or unpins a post at the top of its department's feed: that department's managers. */
export async function setPinned(
	ctx: RequestContext,
	postId: number,
	pinned: boolean,
	now: Date = new Date()
) {
	await db()
		.transaction()
		.execute(async (trx) => {
			const { actor, post } = await requirePostFor(ctx, trx, postId);
			if (!canPinPost(actor, post)) {
				await recordDenied(ctx, pinned ? 'post.pin' : 'post.unpin', 'post', postId);
				throw new ForbiddenError('Only the department’s managers can pin posts to its feed.');
			}
			if ((post.pinnedAt !== null) === pinned) return;
			await setPostPinned(trx, postId, pinned ? actor.id : null, pinned ? now : null);
			await recordAudit(trx, ctx, {
				action: pinned ? 'post.pin' : 'post.unpin',
				objectType: 'post',
				objectId: postId
			});
		});
}

/**
 * Adds (`on`) or removes a reaction. Adding one the person already has is a ConflictError;
 * removing one they do not have is a NotFoundError. Reacting to a deleted post is a ConflictError.
 */
export async function setReaction(
	ctx: RequestContext,
	postId: number,
	kind: ReactionKind,
	on: boolean
): Promise<void> {
	const actor = requireActor(ctx);
	const post = await getVisiblePost(ctx, postId);
	if (post.deletedAt) throw new ConflictError('This post has been deleted.');
	const key = { postId, userId: actor.id, kind };
	if (on) {
		if (!(await insertReaction(db(), key)))
			throw new ConflictError('You have already reacted this way to this post.');
	} else if (!(await deleteReaction(db(), key))) {
		throw new NotFoundError('You had not reacted this way to this post.');
	}
}

/** Flips a reaction (the buttons under a post). Returns whether it is now on. */
export async function toggleReaction(
	ctx: RequestContext,
	postId: number,
	kind: ReactionKind
): Promise<boolean> {
	const actor = requireActor(ctx);
	const post = await getVisiblePost(ctx, postId);
	if (post.deletedAt) throw new ConflictError('This post has been deleted.');
	const key = { postId, userId: actor.id, kind };
	if (await insertReaction(db(), key)) return true;
	await deleteReaction(db(), key);
	return false;
}

/** Who reacted, by kind. Anyone who may see the post. */
export async function listPostReactors(ctx: RequestContext, postId: number) {
	await getVisiblePost(ctx, postId);
	return listReactors(db(), postId);
}
