/**
 * The socket.io server lives on a globalThis symbol: the Vite plugin (dev) or the production
 * entry creates it, and the SvelteKit bundle, a separate module graph, finds it here.
 */
import type { Server } from 'socket.io';
import type { ClientToServerEvents, ServerToClientEvents } from '../../shared/realtime-events.ts';

export type RealtimeServer = Server<ClientToServerEvents, ServerToClientEvents>;

const IO = Symbol.for('commons.io');
type Holder = { [IO]?: RealtimeServer };

export function setRealtimeServer(io: RealtimeServer): void {
	(globalThis as Holder)[IO] = io;
}

export function getRealtimeServer(): RealtimeServer | undefined {
	return (globalThis as Holder)[IO];
}
