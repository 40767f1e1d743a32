/**
 * Comments on posts, with one level of replies. Anyone who may see a post may comment on it
 * while it exists; the comment's author and the post's moderators may delete a comment.
 */
import { recordAudit, recordDenied } from '../audit/audit.service.ts';
import type { RequestContext } from '../context.ts';
import { db } from '../db/index.ts';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../errors.ts';
import { renderExcerpt, renderMarkdown } from '../markdown/render.ts';
import {
	deleteNotificationsAbout,
	insertNotifications
} from '../notifications/notification.repository.ts';
import { publishUnreadCounts } from '../notifications/notification-events.ts';
import type { CommentView } from '../../shared/feeds.ts';
import type { CommentInput } from '../../shared/schemas/feeds.ts';
import {
	getCommentRow,
	insertComment,
	listCommentsOfPost,
	softDeleteComment,
	type CommentRow
} from './comment.repository.ts';
import { enqueueSearchIndex } from '../search/outbox.repository.ts';
import { canDeleteComment } from './post.policy.ts';
import { audienceDepartmentIds, getVisiblePost, requireActor } from './post.service.ts';

/**
 * Adds a comment (or a reply to a top-level comment). Mentioned people, the post's author and,
 * for a reply, the parent comment's author get a notification row. Throws NotFoundError
 * (post hidden or missing), ConflictError (post deleted), ValidationError (bad parent).
 */
export async function addComment(
	ctx: RequestContext,
	postId: number,
	input: CommentInput
): Promise<CommentRow> {
	const actor = requireActor(ctx);
	const post = await getVisiblePost(ctx, postId);
	if (post.deletedAt)
		throw new ConflictError('This post has been deleted, so it cannot take comments.');
	let parent: CommentRow | undefined;
	if (input.parentId !== undefined) {
		parent = await getCommentRow(db(), input.parentId);
		if (!parent || parent.postId !== postId)
			throw new ValidationError('The comment you replied to is not on this post.', {
				parentId: 'Reply to a comment on this post.'
			});
		if (parent.parentId !== null)
			throw new ValidationError('Replies go one level deep: reply to the original comment.', {
				parentId: 'Reply to the original comment.'
			});
	}
	const { html, mentions } = renderMarkdown(input.body);
	const audience = (await audienceDepartmentIds(db(), post.departmentId)) ?? undefined;
	return db()
		.transaction()
		.execute(async (trx) => {
			const comment = await insertComment(trx, {
				postId,
				parentId: parent?.id ?? null,
				authorId: actor.id,
				bodySource: input.body,
				bodyHtml: html
			});
			const context = { postId, commentId: comment.id, excerpt: renderExcerpt(input.body, 160) };
			const mentioned = await insertNotifications(trx, {
				recipientIds: mentions.slice(0, 50),
				kind: 'mention',
				actorId: actor.id,
				subjectType: 'comment',
				subjectId: comment.id,
				context,
				visibleToDepartmentIds: audience
			});
			const repliedTo = [post.authorId, parent?.authorId].filter(
				(id): id is number => id !== undefined && !mentioned.includes(id)
			);
			await insertNotifications(trx, {
				recipientIds: [...new Set(repliedTo)],
				kind: 'reply',
				actorId: actor.id,
				subjectType: 'comment',
				subjectId: comment.id,
				context,
				visibleToDepartmentIds: audience
			});
			await enqueueSearchIndex(trx, [{ kind: 'comment', id: comment.id }]);
			return comment;
		});
}

/** A post's comments, oldest first, as the viewer sees them (deleted ones as tombstones). */
export async function listComments(ctx: RequestContext, postId: number): Promise<CommentView[]> {
	const actor = requireActor(ctx);
	const post = await getVisiblePost(ctx, postId);
	const rows = await listCommentsOfPost(db(), postId);
	return rows.map((c) => ({
		id: c.id,
		parentId: c.parentId,
		author: { id: c.authorId, name: c.authorName, title: c.authorTitle },
		bodyHtml: c.deletedAt ? '' : c.bodyHtml,
		createdAt: c.createdAt.toISOString(),
		editedAt: c.editedAt?.toISOString() ?? null,
		deleted: c.deletedAt !== null,
		can: { delete: canDeleteComment(actor, post, c) }
	}));
}

/** Deletes a comment (a tombstone keeps the replies in place). Audited. */
export async function deleteComment(ctx: RequestContext, commentId: number): Promise<void> {
	const actor = requireActor(ctx);
	const comment = await getCommentRow(db(), commentId);
	if (!comment) throw new NotFoundError('That comment does not exist.');
	const post = await getVisiblePost(ctx, comment.postId);
	if (comment.deletedAt) throw new ConflictError('That comment has already been deleted.');
	if (!canDeleteComment(actor, post, comment)) {
		await recordDenied(ctx, 'comment.delete', 'comment', commentId);
		throw new ForbiddenError('Only the comment’s author and the post’s moderators can delete it.');
	}
	const notified = await db()
		.transaction()
		.execute(async (trx) => {
			await softDeleteComment(trx, comment, new Date());
			await enqueueSearchIndex(trx, [{ kind: 'comment', id: commentId }]);
			await recordAudit(trx, ctx, {
				action: 'comment.delete',
				objectType: 'comment',
				objectId: commentId,
				details: { postId: comment.postId, authorId: comment.authorId }
			});
			return deleteNotificationsAbout(trx, { comment: commentId });
		});
	await publishUnreadCounts(db(), notified);
}
