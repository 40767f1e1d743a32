/**
 * The thread events a socket may send. Every payload is validated with the shared schema and
 * every handler answers through its acknowledgement: a bad payload or a refusal becomes an error
 * ack, never an exception that could take the process down. Rooms are joined only here, after
 * the policy allowed it.
 */
import { isDatabaseUnavailable, UNAVAILABLE_MESSAGE } from '../db/availability.ts';
import type { Socket } from 'socket.io';
import type { z } from 'zod';
import type { RequestContext } from '../context.ts';
import { db } from '../db/index.ts';
import { DomainError } from '../errors.ts';
import { loadActor } from '../org/actor.ts';
import { logger } from '../log.ts';
import type { ClientToServerEvents, ServerToClientEvents } from '../../shared/realtime-events.ts';
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
import type { Ack } from '../../shared/threads.ts';
import type { SocketData } from '../realtime/registry.ts';
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

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
type AppSocket = Socket<ClientToServerEvents, ServerToClientEvents, {}, SocketData>;

/** Typing notices are passed on at most this often per person and thread. */
const TYPING_INTERVAL_MS = 2000;

function failure(error: unknown): Ack<never> {
	if (error instanceof DomainError)
		return { ok: false, error: { code: error.code, message: error.message } };
	if (isDatabaseUnavailable(error))
		return { ok: false, error: { code: 'unavailable', message: UNAVAILABLE_MESSAGE } };
	logger().error({ err: error }, 'socket handler failed');
	return { ok: false, error: { code: 'internal', message: 'Something went wrong on our side.' } };
}

/**
 * Wraps a handler: parses the payload, runs it with the socket's person, answers the ack.
 * A missing ack (a careless client) is tolerated.
 */
function handle<S extends z.ZodType, T>(
	socket: AppSocket,
	schema: S,
	run: (ctx: RequestContext, input: z.infer<S>) => Promise<T>
) {
	return async (payload: unknown, ack?: unknown) => {
		const reply = typeof ack === 'function' ? (ack as (result: Ack<T>) => void) : () => {};
		const parsed = schema.safeParse(payload);
		if (!parsed.success) {
			reply({
				ok: false,
				error: { code: 'bad_request', message: parsed.error.issues[0]?.message ?? 'Bad request.' }
			});
			return;
		}
		try {
			// Each event is decided on the person as they are now (roles, department, what is
			// hidden from them), not as they were when the socket connected.
			const actor = await loadActor(db(), socket.data.actor.id);
			if (!actor) {
				reply({ ok: false, error: { code: 'unauthorized', message: 'Sign in again.' } });
				socket.disconnect(true);
				return;
			}
			socket.data.actor = actor;
			const ctx: RequestContext = {
				actor,
				ip: socket.handshake.address ?? null,
				userAgent: socket.handshake.headers['user-agent'] ?? null
			};
			reply({ ok: true, data: await run(ctx, parsed.data) });
		} catch (error) {
			reply(failure(error));
		}
	};
}

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
			void broadcastPresence(input.threadId);
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
