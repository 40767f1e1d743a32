/**
 * Creates the socket.io server on an HTTP server, once. Used by the Vite plugin in dev and by
 * server/index.ts in production; the handlers are registered separately by the app bundle
 * (see handlers.ts), which is why this file imports nothing from the app.
 */
import type { Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import { REALTIME_PATH } from '../../shared/realtime-events.ts';
import { getRealtimeServer, setRealtimeServer, type RealtimeServer } from './registry.ts';

export function attachRealtime(httpServer: HttpServer): RealtimeServer {
	const existing = getRealtimeServer();
	if (existing) return existing;
	const io: RealtimeServer = new Server(httpServer, {
		path: REALTIME_PATH,
		serveClient: false,
		// Same-origin app: the browser never needs cross-origin socket access.
		cors: undefined
	});
	setRealtimeServer(io);
	return io;
}
