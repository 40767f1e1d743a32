/**
 * Thread messages. Each is stored with the thread's next sequence number before anyone hears of
 * it; a retried send (same clientKey) returns the stored message instead of a second one; edits
 * keep history; deletes leave a tombstone. Broadcasts go out after commit.
 */
import { recordAudit, recordDenied } from '../audit/audit.service.ts';
import { config } from '../config.ts';
import type { RequestContext } from '../context.ts';
import { db } from '../db/index.ts';
import {
	ConflictError,
	ForbiddenError,
	NotFoundError,
	TooManyRequestsError,
	ValidationError
} from '../errors.ts';
import { audienceDepartmentIds } from '../feeds/post.service.ts';
import { renderExcerpt, renderMarkdown } from '../markdown/render.ts';
import {
	deleteNotificationsAbout,
	insertNotifications,
	insertThreadActivity
} from '../notifications/notification.repository.ts';
import { publishUnreadCounts } from '../notifications/notification-events.ts';
import type { ReactionKind } from '../../shared/schemas/feeds.ts';
import type { SendMessageInput } from '../../shared/schemas/threads.ts';
import type { MessageReaction, MessageView } from '../../shared/threads.ts';
import { enqueueSearchIndex } from '../search/outbox.repository.ts';
import { takeMessageSlot } from './message-rate.ts';
import {
	deleteMessageReaction,
	getMessage,
	getMessageByClientKey,
	insertMessage,
	insertMessageReaction,
	listMessageDetails,
	listMessageReactions,
	markMessageDeleted,
	reviseMessage
} from './message.repository.ts';
import { announceActivity, broadcastMessage } from './thread-events.ts';
import { canDeleteMessage, canEditMessage, canPostInThread } from './thread.policy.ts';
import {
	advanceReadPosition,
	listParticipantIds,
	lockThread,
	nextSequence
} from './thread.repository.ts';
import { getVisibleThread, joinThread } from './thread.service.ts';

export const SYNC_LIMIT = 500;
export const HISTORY_LIMIT = 50;

/** Messages as views, with their reactions, in sequence order. */
async function loadMessageViews(
	threadId: number,
	range: { afterSeq?: number; beforeSeq?: number; ids?: number[] },
	limit: number
): Promise<MessageView[]> {
	const rows = await listMessageDetails(db(), threadId, range, limit);
	rows.sort((a, b) => a.seq - b.seq);
	const reactions = await listMessageReactions(
		db(),
		rows.map((r) => r.id)
	);
	const byMessage = new Map<number, MessageReaction[]>();
	for (const r of reactions) {
		const list = byMessage.get(r.messageId) ?? [];
		let entry = list.find((e) => e.kind === r.kind);
		if (!entry) list.push((entry = { kind: r.kind as ReactionKind, userIds: [] }));
		entry.userIds.push(r.userId);
		byMessage.set(r.messageId, list);
	}
	return rows.map((m) => ({
		id: m.id,
		threadId: m.threadId,
		seq: m.seq,
		clientKey: m.clientKey,
		author: { id: m.authorId, name: m.authorName, title: m.authorTitle },
		bodyHtml: m.deletedAt ? '' : m.bodyHtml,
		bodySource: m.deletedAt ? '' : m.bodySource,
		replyTo:
			m.replyToId && m.replySeq !== null
				? {
						id: m.replyToId,
						seq: m.replySeq,
						authorName: m.replyAuthorName ?? '',
						excerpt: m.replyDeletedAt ? 'message deleted' : renderExcerpt(m.replySource ?? '', 140)
					}
				: null,
		createdAt: m.createdAt.toISOString(),
		editedAt: m.editedAt?.toISOString() ?? null,
		deleted: m.deletedAt !== null,
		reactions: byMessage.get(m.id) ?? []
	}));
}

async function messageView(threadId: number, messageId: number): Promise<MessageView> {
	const [view] = await loadMessageViews(threadId, { ids: [messageId] }, 1);
	return view!;
}

/**
 * Posts a message. Returns `{ message, duplicate }`: a send repeated with the same clientKey
 * returns the message stored the first time (duplicate: true) and broadcasts nothing new.
 * Throws NotFoundError (thread hidden), ForbiddenError (announce-only, audited),
 * TooManyRequestsError (burst used up), ValidationError (bad reply).
 */
export async function postMessage(
	ctx: RequestContext,
	input: SendMessageInput,
	now: Date = new Date()
): Promise<{ message: MessageView; duplicate: boolean }> {
	const { actor, thread } = await getVisibleThread(ctx, input.threadId);
	if (!canPostInThread(actor, thread)) {
		await recordDenied(ctx, 'thread.post', 'thread', thread.id);
		throw new ForbiddenError(
			'This thread is announce-only: managers, the communications team and administrators post here; everyone may read and react.'
		);
	}
	const earlier = await getMessageByClientKey(db(), thread.id, actor.id, input.clientKey);
	if (earlier) return { message: await messageView(thread.id, earlier.id), duplicate: true };

	const wait = takeMessageSlot(actor.id, config().messageRate, now.getTime());
	if (wait > 0)
		throw new TooManyRequestsError(
			`You are sending messages very quickly. Wait ${wait} second${wait === 1 ? '' : 's'} and send again.`,
			wait
		);
	if (input.replyToId) {
		const replied = await getMessage(db(), input.replyToId);
		if (!replied || replied.threadId !== thread.id)
			throw new ValidationError('The message you replied to is not in this thread.', {
				replyToId: 'Reply to a message in this thread.'
			});
	}
	const { html, mentions } = renderMarkdown(input.body);
	const audience = (await audienceDepartmentIds(db(), thread.departmentId)) ?? undefined;

	const stored = await db()
		.transaction()
		.execute(async (trx) => {
			// Sends to one thread queue on its row; a retry racing its original finds it here.
			await lockThread(trx, thread.id);
			const raced = await getMessageByClientKey(trx, thread.id, actor.id, input.clientKey);
			if (raced) return { row: raced, duplicate: true };
			const seq = await nextSequence(trx, thread.id, now);
			const row = await insertMessage(trx, {
				threadId: thread.id,
				seq,
				authorId: actor.id,
				clientKey: input.clientKey,
				bodySource: input.body,
				bodyHtml: html,
				replyToId: input.replyToId ?? null,
				createdAt: now
			});
			// Writing in a thread makes you a participant who has read up to your own message.
			await advanceReadPosition(trx, thread.id, actor.id, seq);
			const context = { threadId: thread.id, seq, excerpt: renderExcerpt(input.body, 160) };
			const mentioned = await insertNotifications(trx, {
				recipientIds: mentions.slice(0, 50),
				kind: 'mention',
				actorId: actor.id,
				subjectType: 'message',
				subjectId: row.id,
				context,
				visibleToDepartmentIds: audience
			});
			// Participants who turned thread activity on hear of every new message.
			await insertThreadActivity(trx, {
				threadId: thread.id,
				messageId: row.id,
				actorId: actor.id,
				context,
				exceptIds: mentioned,
				visibleToDepartmentIds: audience
			});
			await enqueueSearchIndex(trx, [{ kind: 'message', id: row.id }]);
			return { row, duplicate: false };
		});
	const message = await messageView(thread.id, stored.row.id);
	if (!stored.duplicate) {
		broadcastMessage(message);
		announceActivity(thread.id, message.seq, await listParticipantIds(db(), thread.id));
	}
	return { message, duplicate: stored.duplicate };
}

/** Everything after `afterSeq`, in order (at most SYNC_LIMIT; ask again from the last one). */
export async function listMessagesAfter(ctx: RequestContext, threadId: number, afterSeq: number) {
	await getVisibleThread(ctx, threadId);
	const messages = await loadMessageViews(threadId, { afterSeq }, SYNC_LIMIT + 1);
	return { messages: messages.slice(0, SYNC_LIMIT), hasMore: messages.length > SYNC_LIMIT };
}

/** The HISTORY_LIMIT messages before `beforeSeq`, in order: scrolling up. */
export async function listMessagesBefore(ctx: RequestContext, threadId: number, beforeSeq: number) {
	await getVisibleThread(ctx, threadId);
	const messages = await loadMessageViews(threadId, { beforeSeq }, HISTORY_LIMIT + 1);
	return {
		messages: messages.slice(-HISTORY_LIMIT),
		hasMore: messages.length > HISTORY_LIMIT
	};
}

async function requireMessage(ctx: RequestContext, messageId: number) {
	const message = await getMessage(db(), messageId);
	if (!message) throw new NotFoundError('That message does not exist.');
	const { actor, thread } = await getVisibleThread(ctx, message.threadId);
	if (message.deletedAt) throw new ConflictError('That message has been deleted.');
	return { actor, thread, message };
}

/** Edits the actor's own message (marked edited; the earlier text is kept). */
export async function editMessage(
	ctx: RequestContext,
	input: { messageId: number; body: string },
	now: Date = new Date()
): Promise<MessageView> {
	const { actor, message } = await requireMessage(ctx, input.messageId);
	if (!canEditMessage(actor, message)) {
		await recordDenied(ctx, 'message.edit', 'message', message.id);
		throw new ForbiddenError('You can only edit your own messages.');
	}
	if (input.body !== message.bodySource) {
		const { html } = renderMarkdown(input.body);
		await db()
			.transaction()
			.execute(async (trx) => {
				await reviseMessage(trx, message, {
					bodySource: input.body,
					bodyHtml: html,
					editedAt: now
				});
				await enqueueSearchIndex(trx, [{ kind: 'message', id: message.id }]);
			});
	}
	const view = await messageView(message.threadId, message.id);
	broadcastMessage(view);
	return view;
}

/** Deletes a message, leaving a "message deleted" tombstone in its place. Audited. */
export async function deleteMessage(ctx: RequestContext, messageId: number): Promise<MessageView> {
	const { actor, thread, message } = await requireMessage(ctx, messageId);
	if (!canDeleteMessage(actor, thread, message)) {
		await recordDenied(ctx, 'message.delete', 'message', message.id);
		throw new ForbiddenError('You can only delete your own messages.');
	}
	const notified = await db()
		.transaction()
		.execute(async (trx) => {
			await markMessageDeleted(trx, message.id, new Date());
			await enqueueSearchIndex(trx, [{ kind: 'message', id: message.id }]);
			await recordAudit(trx, ctx, {
				action: 'message.delete',
				objectType: 'message',
				objectId: message.id,
				details: { threadId: thread.id, seq: message.seq, authorId: message.authorId }
			});
			return deleteNotificationsAbout(trx, { message: message.id });
		});
	const view = await messageView(thread.id, message.id);
	broadcastMessage(view);
	await publishUnreadCounts(db(), notified);
	return view;
}

/** Flips the actor's reaction on a message; anyone who may read the thread may react. */
export async function toggleMessageReaction(
	ctx: RequestContext,
	input: { messageId: number; kind: ReactionKind }
): Promise<MessageView> {
	const { actor, message } = await requireMessage(ctx, input.messageId);
	const key = { messageId: message.id, userId: actor.id, kind: input.kind };
	if (!(await insertMessageReaction(db(), key))) await deleteMessageReaction(db(), key);
	const view = await messageView(message.threadId, message.id);
	broadcastMessage(view);
	return view;
}

/**
 * What the thread page renders first: the thread, the actor's read position (they become a
 * participant), who has read how far, and 50 messages, either the latest or those around `at`
 * (a permalink). The browser then catches up live from the last one.
 */
export async function getThreadPage(ctx: RequestContext, threadId: number, at?: number) {
	const { thread, readSeq, readers } = await joinThread(ctx, threadId);
	// More unread than the latest page holds: open where the unread messages begin, or the
	// earliest ones would never be shown (and would count as read). The page then catches up on
	// the rest, so only when that is one catch-up's worth; beyond it, the latest page.
	const unread = thread.lastSeq - readSeq;
	if (at === undefined && readSeq > 0 && unread > HISTORY_LIMIT && unread <= SYNC_LIMIT)
		at = readSeq + 1;
	const before = at ? Math.min(at + HISTORY_LIMIT / 2, thread.lastSeq) + 1 : thread.lastSeq + 1;
	const { messages, hasMore } = await listMessagesBefore(ctx, threadId, before);
	return { thread, readSeq, readers, messages, hasOlder: hasMore };
}
