/**
 * The socket.io server lives on a globalThis symbol: the Vite plugin (dev) or the production
 * entry creates it, and the SvelteKit bundle, a separate module graph, finds it here.
 */
import type { Server } from 'socket.io';
import type { ClientToServerEvents, ServerToClientEvents } from '../../shared/realtime-events.ts';
import type { Actor } from '../org/actor.ts';

/** What the server knows about each socket once it has authenticated. */
export type SocketData = { actor: Actor; sessionId: string };

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export type RealtimeServer = Server<ClientToServerEvents, ServerToClientEvents, {}, SocketData>;

const IO = Symbol.for('commons.io');
type Holder = { [IO]?: RealtimeServer };

export function setRealtimeServer(io: RealtimeServer): void {
	(globalThis as Holder)[IO] = io;
}

export function getRealtimeServer(): RealtimeServer | undefined {
	return (globalThis as Holder)[IO];
}
