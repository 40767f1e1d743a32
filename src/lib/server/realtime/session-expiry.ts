/**
 * A socket lives as long as the session it signed in with. Signing out, "sign out other
 * sessions", a password change, deactivation and an administrator ending sessions close sockets
 * at once (publish.ts); a session that simply runs out (idle, or at its absolute age) has no such
 * moment, so each instance looks at its own sockets once a minute and closes those whose session
 * is no longer valid: one query for all of them. Events a socket sends are refused sooner
 * (socket-handler.ts); this stops what it would still hear.
 */
import { listLiveSessionIds } from '../auth/session.repository.ts';
import { db } from '../db/index.ts';
import { isShuttingDown, onShutdown } from '../lifecycle.ts';
import { logger } from '../log.ts';
import { sessionRoom } from './publish.ts';
import type { RealtimeServer } from './registry.ts';

const SWEEP_MS = 60_000;

/** Closes this instance's sockets whose session has ended; returns how many were closed. */
export async function closeSocketsOfEndedSessions(
	io: RealtimeServer,
	now: Date = new Date()
): Promise<number> {
	const socketsPerSession = new Map<string, number>();
	for (const socket of io.of('/').sockets.values()) {
		const id = socket.data.sessionId;
		if (id) socketsPerSession.set(id, (socketsPerSession.get(id) ?? 0) + 1);
	}
	if (!socketsPerSession.size) return 0;
	const live = new Set(await listLiveSessionIds(db(), [...socketsPerSession.keys()], now));
	let closed = 0;
	for (const [id, count] of socketsPerSession) {
		if (live.has(id)) continue;
		// Each socket sits in its session's room (handlers.ts); every instance sweeps its own.
		io.local.in(sessionRoom(id)).disconnectSockets(true);
		closed += count;
	}
	return closed;
}

export function startSessionExpiry(io: RealtimeServer): void {
	const timer = setInterval(() => {
		if (isShuttingDown()) return;
		closeSocketsOfEndedSessions(io)
			.then((closed) => {
				if (closed) logger().info({ closed }, 'closed sockets of ended sessions');
			})
			.catch((error) =>
				logger().warn({ err: error }, 'could not check the sessions of open sockets')
			);
	}, SWEEP_MS);
	timer.unref();
	onShutdown('socket session expiry', () => clearInterval(timer));
}
