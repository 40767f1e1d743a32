/**
 * The thread events a socket may send. Every payload is validated with the shared schema and
 * every handler answers through its acknowledgement: a bad payload or a refusal becomes an error
 * ack, never an exception that could take the process down. Rooms are joined only here, after
 * the policy allowed it.
 */
import { handle, type AppSocket } from '../realtime/socket-handler.ts';
import {
	editMessageSchema,
	historySchema,
	joinThreadSchema,
	markReadSchema,
	messageReactionSchema,
	messageRefSchema,
	sendMessageSchema,
	syncThreadSchema,
	threadRefSchema
} from '../../shared/schemas/threads.ts';
import {
	deleteMessage,
	editMessage,
	listMessagesAfter,
	listMessagesBefore,
	postMessage,
	toggleMessageReaction
} from './message.service.ts';
import { broadcastPresence, countPresent, threadRoom } from './thread-events.ts';
import { joinThread, markRead } from './thread.service.ts';

/** Typing notices are passed on at most this often per person and thread. */
const TYPING_INTERVAL_MS = 2000;

export function registerThreadSocketHandlers(socket: AppSocket): void {
	const lastTyping = new Map<number, number>();

	socket.on(
		'thread:join',
		handle(socket, joinThreadSchema, async (ctx, input) => {
			const { thread, readSeq, readers } = await joinThread(ctx, input.threadId);
			await socket.join(threadRoom(input.threadId));
			// Joining first, then reading, means a message committed in between arrives both ways;
			// clients merge by sequence, so nothing is lost and nothing shows twice.
			const after = input.afterSeq ?? Math.max(0, thread.lastSeq - 50);
			const { messages, hasMore } = await listMessagesAfter(ctx, input.threadId, after);
			void broadcastPresence(input.threadId).catch(() => undefined);
			return {
				thread,
				readSeq,
				readers,
				messages,
				hasMore,
				present: await countPresent(input.threadId)
			};
		})
	);

	socket.on('thread:leave', async (payload: unknown) => {
		const parsed = threadRefSchema.safeParse(payload);
		if (!parsed.success) return;
		await socket.leave(threadRoom(parsed.data.threadId));
		void broadcastPresence(parsed.data.threadId).catch(() => undefined);
	});

	socket.on(
		'thread:sync',
		handle(socket, syncThreadSchema, (ctx, input) =>
			listMessagesAfter(ctx, input.threadId, input.afterSeq)
		)
	);
	socket.on(
		'thread:history',
		handle(socket, historySchema, (ctx, input) =>
			listMessagesBefore(ctx, input.threadId, input.beforeSeq)
		)
	);
	socket.on(
		'thread:send',
		handle(socket, sendMessageSchema, (ctx, input) => postMessage(ctx, input))
	);
	socket.on(
		'thread:edit',
		handle(socket, editMessageSchema, (ctx, input) => editMessage(ctx, input))
	);
	socket.on(
		'thread:delete',
		handle(socket, messageRefSchema, (ctx, input) => deleteMessage(ctx, input.messageId))
	);
	socket.on(
		'thread:react',
		handle(socket, messageReactionSchema, (ctx, input) => toggleMessageReaction(ctx, input))
	);
	socket.on(
		'thread:read',
		handle(socket, markReadSchema, async (ctx, input) => ({
			readSeq: await markRead(ctx, input.threadId, input.seq)
		}))
	);

	socket.on('thread:typing', (payload: unknown) => {
		const parsed = threadRefSchema.safeParse(payload);
		if (!parsed.success) return;
		const { threadId } = parsed.data;
		// Only from inside the room: joining checked the policy.
		if (!socket.rooms.has(threadRoom(threadId))) return;
		const now = Date.now();
		if ((lastTyping.get(threadId) ?? 0) > now - TYPING_INTERVAL_MS) return;
		lastTyping.set(threadId, now);
		const { id, name } = socket.data.actor;
		socket.to(threadRoom(threadId)).emit('thread:typing', { threadId, userId: id, name });
	});

	socket.on('disconnecting', () => {
		const threads = [...socket.rooms]
			.filter((room) => room.startsWith('thread:'))
			.map((room) => Number(room.slice('thread:'.length)));
		// After the socket has left its rooms, tell the others how many remain.
		setTimeout(() => {
			for (const threadId of threads) void broadcastPresence(threadId).catch(() => undefined);
		}, 0);
	});
}
