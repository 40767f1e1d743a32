/**
 * Thread rooms and what is sent to them, always after the change has committed. Sockets enter
 * `thread:<id>` only through joinThread (which checks the policy); participants' `user:<id>` rooms
 * hear about activity for their unread counts.
 */
import type { MessageView } from '../../shared/threads.ts';
import { userRoom } from '../realtime/publish.ts';
import { logger } from '../log.ts';
import { getRealtimeServer } from '../realtime/registry.ts';

export const threadRoom = (threadId: number) => `thread:${threadId}`;

export function broadcastMessage(message: MessageView): void {
	getRealtimeServer()?.to(threadRoom(message.threadId)).emit('thread:message', message);
}

/** Tells participants (in every tab) that the thread moved on, for their unread counts. */
export function announceActivity(threadId: number, lastSeq: number, participantIds: number[]) {
	const io = getRealtimeServer();
	if (!io || !participantIds.length) return;
	io.to(participantIds.map(userRoom)).emit('thread:activity', { threadId, lastSeq });
}

export function broadcastReadPosition(threadId: number, userId: number, seq: number) {
	const io = getRealtimeServer();
	if (!io) return;
	io.to(threadRoom(threadId)).emit('thread:read', { threadId, userId, seq });
	io.to(userRoom(userId)).emit('thread:activity', { threadId, lastSeq: null, readSeq: seq });
}

/**
 * How many different people have the thread open right now (across instances). When another
 * instance does not answer (stopped, or stalled past the adapter's 5 s request timeout, while it
 * is still listed as alive), the count is this instance's own: a presence figure must never
 * fail a join, nor reject unnoticed and take the process down.
 */
export async function countPresent(threadId: number): Promise<number> {
	const io = getRealtimeServer();
	if (!io) return 0;
	const sockets = await io
		.in(threadRoom(threadId))
		.fetchSockets()
		.catch((e: unknown) => {
			logger().warn(
				{ err: e, threadId },
				'presence: another instance did not answer; counting here'
			);
			return io.local.in(threadRoom(threadId)).fetchSockets();
		});
	return new Set(sockets.map((s) => s.data.actor?.id)).size;
}

export async function broadcastPresence(threadId: number): Promise<void> {
	const io = getRealtimeServer();
	if (!io) return;
	io.to(threadRoom(threadId)).emit('thread:presence', {
		threadId,
		count: await countPresent(threadId)
	});
}
