/**
 * Registers the socket.io event handlers on the shared server. Called from the `init` hook;
 * safe to call more than once (dev reloads the bundle), it registers only the first time.
 */
import { logger } from '../log.ts';
import { getRealtimeServer } from './registry.ts';

const REGISTERED = Symbol.for('commons.realtimeHandlers');
type Holder = { [REGISTERED]?: boolean };

export function registerRealtimeHandlers(): boolean {
	const io = getRealtimeServer();
	const holder = globalThis as Holder;
	if (!io || holder[REGISTERED]) return false;
	holder[REGISTERED] = true;

	io.on('connection', (socket) => {
		socket.emit('hello', { serverTime: new Date().toISOString() });
		socket.on('ping', (ack) => {
			if (typeof ack === 'function') ack('pong');
		});
		socket.on('error', (error) => logger().warn({ err: error, socket: socket.id }, 'socket error'));
	});
	return true;
}
