/**
 * The one map of socket.io events between browser and server. Both sides import it so that
 * an event renamed on one side fails the type check on the other.
 */
export interface ServerToClientEvents {
	/** Placeholder-free for now: every server event is added here as features arrive. */
	hello: (info: { serverTime: string }) => void;
}

export interface ClientToServerEvents {
	/** Liveness probe: the server acknowledges with 'pong'. */
	ping: (ack: (reply: 'pong') => void) => void;
}

export const REALTIME_PATH = '/realtime';
