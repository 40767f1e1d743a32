/**
 * The browser's one socket.io connection, with its state as runes so components can show it.
 * Features subscribe to events on `realtime.socket`; the server decides which rooms it is in.
 */
import { io, type Socket } from 'socket.io-client';
import {
	REALTIME_PATH,
	type ClientToServerEvents,
	type ServerToClientEvents
} from '$lib/shared/realtime-events';

export type RealtimeStatus = 'connecting' | 'live' | 'reconnecting' | 'offline';

class RealtimeConnection {
	status = $state<RealtimeStatus>('connecting');
	socket: Socket<ServerToClientEvents, ClientToServerEvents> | null = null;

	/** Opens the connection once; later calls return the same socket. */
	connect(): Socket<ServerToClientEvents, ClientToServerEvents> {
		if (this.socket) return this.socket;
		const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io({
			path: REALTIME_PATH,
			transports: ['websocket', 'polling'],
			withCredentials: true
		});
		// A pong proves the server's handlers are registered, not only that the socket opened;
		// without one (a slow or struggling server), ask again while the socket is up.
		const ping = () =>
			socket.timeout(5000).emit('ping', (error, reply) => {
				this.status = !error && reply === 'pong' ? 'live' : 'reconnecting';
				if (this.status !== 'live' && socket.connected) setTimeout(ping, 5000);
			});
		socket.on('connect', ping);
		socket.on('disconnect', (reason) => {
			// The server closes the socket when the session ends (sign-out, deactivation).
			this.status = reason === 'io server disconnect' ? 'offline' : 'reconnecting';
		});
		let refusals = 0;
		socket.on('connect', () => (refusals = 0));
		socket.on('connect_error', (error) => {
			if (error.message === 'unauthorized') {
				this.status = 'offline';
				return;
			}
			// A refusal by the server's middleware ('unavailable': its database is away) is not
			// retried by socket.io itself (`active` is false): try again, waiting longer each time.
			if (!socket.active) {
				this.status = 'reconnecting';
				const delay = Math.min(30_000, 1_000 * 2 ** refusals++) * (0.75 + Math.random() / 2);
				setTimeout(() => {
					if (!socket.connected) socket.connect();
				}, delay);
			}
		});
		socket.io.on('reconnect_failed', () => {
			this.status = 'offline';
		});
		this.socket = socket;
		return socket;
	}
}

export const realtime = new RealtimeConnection();
