/**
 * The one map of socket.io events between browser and server. Both sides import it so that
 * an event renamed on one side fails the type check on the other.
 */
export interface ServerToClientEvents {
	hello: (info: { serverTime: string }) => void;
	/** A post the person may see appeared in one of the feeds they read. */
	'feed:post': (post: { postId: number; departmentId: number | null; authorId: number }) => void;
}

export interface ClientToServerEvents {
	/** Liveness probe: the server acknowledges with 'pong'. */
	ping: (ack: (reply: 'pong') => void) => void;
}

export const REALTIME_PATH = '/realtime';
