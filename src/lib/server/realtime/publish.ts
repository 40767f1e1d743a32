/**
 * Sending to sockets from services. Call these only after the transaction has committed.
 * Rooms: `user:<id>` holds every socket of a person (joined on connection by the server).
 */
import { getRealtimeServer } from './registry.ts';

export const userRoom = (userId: number) => `user:${userId}`;

/** Closes every socket of a person at once (deactivation, sessions ended by an admin). */
export function disconnectUser(userId: number): void {
	getRealtimeServer()?.in(userRoom(userId)).disconnectSockets(true);
}

export const sessionRoom = (sessionId: string) => `session:${sessionId}`;

/** Closes the sockets opened with one session (its owner signed out). */
export function disconnectSession(sessionId: string): void {
	getRealtimeServer()?.in(sessionRoom(sessionId)).disconnectSockets(true);
}

/**
 * Closes a person's sockets but those opened with `keptSessionId` (the session that asked to end
 * the others, or changed the password): a signed-out device must stop hearing and sending at once.
 */
export function disconnectUserExcept(userId: number, keptSessionId: string | null): void {
	const sockets = getRealtimeServer()?.in(userRoom(userId));
	if (!sockets) return;
	(keptSessionId ? sockets.except(sessionRoom(keptSessionId)) : sockets).disconnectSockets(true);
}
