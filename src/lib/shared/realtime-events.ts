/**
 * The one map of socket.io events between browser and server. Both sides import it so that
 * an event renamed on one side fails the type check on the other.
 */
import type { MemoCounts, MemoReportEvent } from './memos.ts';
import type { Ack, MessageView, ThreadView } from './threads.ts';

export interface ServerToClientEvents {
	hello: (info: { serverTime: string }) => void;
	/** A post the person may see appeared in one of the feeds they read. */
	'feed:post': (post: { postId: number; departmentId: number | null; authorId: number }) => void;
	/** A new, edited, deleted or reacted-to message in a thread the socket has joined. */
	'thread:message': (message: MessageView) => void;
	/** Someone is typing in a joined thread. */
	'thread:typing': (typing: { threadId: number; userId: number; name: string }) => void;
	/** How many people have a joined thread open. */
	'thread:presence': (presence: { threadId: number; count: number }) => void;
	/** Someone's read position moved in a joined thread ("seen by"). */
	'thread:read': (read: { threadId: number; userId: number; seq: number }) => void;
	/** A thread the person takes part in moved on, or they read it elsewhere (unread counts). */
	'thread:activity': (activity: {
		threadId: number;
		lastSeq: number | null;
		readSeq?: number;
	}) => void;
	/** The person's unread notifications changed (or the socket just connected): the bell. */
	'notification:count': (count: { unread: number }) => void;
	/** A memo report the socket watches moved (an acknowledgement or exception committed). */
	'memo:report': (event: MemoReportEvent) => void;
}

export type JoinResult = {
	thread: ThreadView;
	readSeq: number;
	/** Read positions by person, for "seen by". */
	readers: Record<number, number>;
	messages: MessageView[];
	hasMore: boolean;
	present: number;
};

export type MessagesResult = { messages: MessageView[]; hasMore: boolean };

export interface ClientToServerEvents {
	/** Liveness probe: the server acknowledges with 'pong'. */
	ping: (ack: (reply: 'pong') => void) => void;
	/** Join a thread's room (if allowed) and get everything after `afterSeq`. */
	'thread:join': (
		request: { threadId: number; afterSeq?: number },
		ack: (result: Ack<JoinResult>) => void
	) => void;
	'thread:leave': (request: { threadId: number }) => void;
	/** Everything after `afterSeq`: what a reconnecting client asks for. */
	'thread:sync': (
		request: { threadId: number; afterSeq: number },
		ack: (result: Ack<MessagesResult>) => void
	) => void;
	/** Older messages, for scrolling up. */
	'thread:history': (
		request: { threadId: number; beforeSeq: number },
		ack: (result: Ack<MessagesResult>) => void
	) => void;
	'thread:send': (
		request: { threadId: number; clientKey: string; body: string; replyToId?: number | null },
		ack: (result: Ack<{ message: MessageView; duplicate: boolean }>) => void
	) => void;
	'thread:edit': (
		request: { messageId: number; body: string },
		ack: (result: Ack<MessageView>) => void
	) => void;
	'thread:delete': (
		request: { messageId: number },
		ack: (result: Ack<MessageView>) => void
	) => void;
	'thread:react': (
		request: { messageId: number; kind: string },
		ack: (result: Ack<MessageView>) => void
	) => void;
	'thread:typing': (request: { threadId: number }) => void;
	/** Watch a memo's report live (if allowed to see it); answers the current counts. */
	'memo:watch-report': (
		request: { memoId: number },
		ack: (result: Ack<{ counts: MemoCounts }>) => void
	) => void;
	'memo:unwatch-report': (request: { memoId: number }) => void;
	/**
	 * While a department's feed is open (its page, or the home feed narrowed to it): its new posts
	 * also when the person neither belongs to it nor follows it, if they may see it.
	 */
	'feed:watch-department': (
		request: { departmentId: number },
		ack?: (result: Ack<{ departmentId: number }>) => void
	) => void;
	'feed:unwatch-department': (request: { departmentId: number }) => void;
	'thread:read': (
		request: { threadId: number; seq: number },
		ack?: (result: Ack<{ readSeq: number }>) => void
	) => void;
}

export const REALTIME_PATH = '/realtime';
