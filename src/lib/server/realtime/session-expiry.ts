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
import type { RealtimeServer } from './registry.ts';

const SWEEP_MS = 60_000;

/** Closes this instance's sockets whose session has ended; returns how many were closed. */
export async function closeSocketsOfEndedSessions(
	io: RealtimeServer,
	now: Date = new Date()
): Promise<number> {
	const bySession = new Map<string, { disconnect(close: boolean): unknown }[]>();
	for (const socket of io.of('/').sockets.values()) {
		const id = socket.data.sessionId;
		if (!id) continue;
		const list = bySession.get(id);
		if (list) list.push(socket);
		else bySession.set(id, [socket]);
	}
	if (!bySession.size) return 0;
	const live = new Set(await listLiveSessionIds(db(), [...bySession.keys()], now));
	let closed = 0;
	for (const [id, sockets] of bySession) {
		if (live.has(id)) continue;
		for (const socket of sockets) socket.disconnect(true);
		closed += sockets.length;
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
