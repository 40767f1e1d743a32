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
		socket.on('connect', () => {
			// A pong proves the server's handlers are registered, not only that the socket opened.
			socket.timeout(5000).emit('ping', (error, reply) => {
				this.status = !error && reply === 'pong' ? 'live' : 'reconnecting';
			});
		});
		socket.on('disconnect', (reason) => {
			// The server closes the socket when the session ends (sign-out, deactivation).
			this.status = reason === 'io server disconnect' ? 'offline' : 'reconnecting';
		});
		socket.on('connect_error', (error) => {
			if (error.message === 'unauthorized') this.status = 'offline';
		});
		socket.io.on('reconnect_failed', () => {
			this.status = 'offline';
		});
		this.socket = socket;
		return socket;
	}
}

export const realtime = new RealtimeConnection();
