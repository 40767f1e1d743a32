/**
 * Registers socket.io middleware and handlers on the shared server. Called from the `init`
 * hook; safe to call more than once (dev reloads the bundle), it registers only the first time.
 *
 * Sockets authenticate from the session cookie, exactly like pages; the server then places the
 * socket in its rooms (`user:<id>`, `session:<id>`). Clients never choose rooms.
 */
import { readCookie, sessionCookieName } from '../auth/cookie.ts';
import { validateSessionTokenWithActor } from '../auth/session.ts';
import { config } from '../config.ts';
import { db } from '../db/index.ts';
import { feedRoomsFor } from '../feeds/feed-events.ts';
import { registerFeedSocketHandlers } from '../feeds/feed-socket.ts';
import { registerMemoSocketHandlers } from '../memos/memo-socket.ts';
import { sendUnreadCount } from '../notifications/notification-events.ts';
import { registerThreadSocketHandlers } from '../threads/thread-socket.ts';
import { logger } from '../log.ts';
import { sessionRoom, userRoom } from './publish.ts';
import { getRealtimeServer } from './registry.ts';
import { startSessionExpiry } from './session-expiry.ts';

const REGISTERED = Symbol.for('commons.realtimeHandlers');
type Holder = { [REGISTERED]?: boolean };

export function registerRealtimeHandlers(): boolean {
	const io = getRealtimeServer();
	const holder = globalThis as Holder;
	if (!io || holder[REGISTERED]) return false;
	holder[REGISTERED] = true;

	io.use(async (socket, next) => {
		try {
			const cfg = config();
			const token = readCookie(socket.request.headers.cookie, sessionCookieName(cfg.production));
			const valid = token ? await validateSessionTokenWithActor(db(), token, cfg.session) : null;
			if (!valid) return next(new Error('unauthorized'));
			const { session, actor } = valid;
			socket.data.actor = actor;
			socket.data.sessionId = session.id;
			// Rooms are joined before the connection is announced, so no event slips past.
			await socket.join([
				userRoom(actor.id),
				sessionRoom(session.id),
				...(await feedRoomsFor(actor))
			]);
			next();
		} catch (error) {
			logger().error({ err: error }, 'socket authentication failed');
			next(new Error('unavailable'));
		}
	});

	io.on('connection', (socket) => {
		registerThreadSocketHandlers(socket);
		registerMemoSocketHandlers(socket);
		registerFeedSocketHandlers(socket);
		socket.emit('hello', { serverTime: new Date().toISOString() });
		sendUnreadCount(db(), socket).catch((error) =>
			logger().warn({ err: error }, 'could not send the unread count')
		);
		socket.on('ping', (ack) => {
			if (typeof ack === 'function') ack('pong');
		});
		socket.on('error', (error) => logger().warn({ err: error, socket: socket.id }, 'socket error'));
	});
	startSessionExpiry(io);
	return true;
}
