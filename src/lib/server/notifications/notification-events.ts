/**
 * The bell: each person's unread count, sent to their own room (every tab) after a change has
 * committed, and to a socket when it connects (so a reconnect never leaves a stale count).
 */
import type { Socket } from 'socket.io';
import type { Database } from '../db/index.ts';
import { userRoom } from '../realtime/publish.ts';
import { getRealtimeServer, type SocketData } from '../realtime/registry.ts';
import type { ClientToServerEvents, ServerToClientEvents } from '../../shared/realtime-events.ts';
import { countUnread } from './notification.repository.ts';

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
type AppSocket = Socket<ClientToServerEvents, ServerToClientEvents, {}, SocketData>;

/** Sends each person their current unread count. Call only after the change has committed. */
export async function publishUnreadCounts(db: Database, userIds: number[]): Promise<void> {
	const io = getRealtimeServer();
	if (!io || !userIds.length) return;
	const counts = await countUnread(db, [...new Set(userIds)]);
	for (const [userId, unread] of counts)
		io.to(userRoom(userId)).emit('notification:count', { unread });
}

/** On connection: the socket's person's count, at once. */
export async function sendUnreadCount(db: Database, socket: AppSocket): Promise<void> {
	const userId = socket.data.actor.id;
	const counts = await countUnread(db, [userId]);
	socket.emit('notification:count', { unread: counts.get(userId) ?? 0 });
}
