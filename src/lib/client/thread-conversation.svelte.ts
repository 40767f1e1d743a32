/**
 * One open thread in the browser. The database's sequence numbers are the truth: messages are kept
 * sorted by `seq` and merged by it, so a message heard twice (live and in a catch-up) shows once
 * and one heard late lands in its place. After every (re)connection, and whenever a live message
 * shows a gap, the conversation asks for everything after the last sequence up to which it holds
 * every message (`syncedSeq`); socket.io's own recovery is not relied on.
 *
 * Sends show at once as "sending"; each carries a client-generated key, so retrying a failed send
 * can never store it twice.
 */
import type { Socket } from 'socket.io-client';
import type {
	ClientToServerEvents,
	JoinResult,
	MessagesResult,
	ServerToClientEvents
} from '$lib/shared/realtime-events';
import { syncedSeq } from '$lib/shared/thread-sequence';
import type { Ack, MessageView, ThreadView } from '$lib/shared/threads';
import { realtime } from './realtime.svelte';

type AppSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export type PendingMessage = {
	clientKey: string;
	body: string;
	replyToId: number | null;
	status: 'sending' | 'failed';
	error: string | null;
};

const SEND_TIMEOUT_MS = 10_000;
const TYPING_SHOWN_MS = 4_000;
/** Catch-up pages asked for in a row before giving up until the next connect or message. */
const MAX_CATCH_UP_PAGES = 50;

export class ThreadConversation {
	thread = $state<ThreadView>() as ThreadView;
	messages = $state<MessageView[]>([]);
	pending = $state<PendingMessage[]>([]);
	present = $state(0);
	hasOlder = $state(false);
	/** Who is typing: user id to name, each shown for a few seconds after their last keystroke. */
	typing = $state<{ userId: number; name: string }[]>([]);
	/** Everyone's read position, for "seen by". */
	readers = $state<Record<number, number>>({});
	myReadSeq = $state(0);
	notice = $state<string | null>(null);
	joined = $state(false);

	#meId: number;
	#socket: AppSocket | null = null;
	#typingTimers: Record<number, ReturnType<typeof setTimeout>> = {};
	#lastTypingSent = 0;
	#off: (() => void)[] = [];
	#catchingUp = false;

	constructor(initial: {
		thread: ThreadView;
		messages: MessageView[];
		hasOlder: boolean;
		readSeq: number;
		meId: number;
	}) {
		this.thread = initial.thread;
		this.messages = [...initial.messages].sort((a, b) => a.seq - b.seq);
		this.hasOlder = initial.hasOlder;
		this.myReadSeq = initial.readSeq;
		this.#meId = initial.meId;
	}

	get lastSeq(): number {
		return this.messages.at(-1)?.seq ?? 0;
	}

	/** Every message up to this sequence is held: catch-ups ask for what follows it. */
	get syncedSeq(): number {
		return syncedSeq(this.messages.map((m) => m.seq));
	}

	get firstUnreadSeq(): number | null {
		return (
			this.messages.find((m) => m.seq > this.myReadSeq && m.author.id !== this.#meId)?.seq ?? null
		);
	}

	/** Inserts or replaces by sequence number; confirms a pending send with the same key. */
	merge(incoming: MessageView[]): void {
		if (!incoming.length) return;
		const bySeq: Record<number, MessageView> = {};
		for (const m of this.messages) bySeq[m.seq] = m;
		for (const m of incoming) if (m.threadId === this.thread.id) bySeq[m.seq] = m;
		this.messages = Object.values(bySeq).sort((a, b) => a.seq - b.seq);
		const confirmed = incoming.filter((m) => m.author.id === this.#meId).map((m) => m.clientKey);
		if (confirmed.length)
			this.pending = this.pending.filter((p) => !confirmed.includes(p.clientKey));
		this.thread.lastSeq = Math.max(this.thread.lastSeq, this.lastSeq);
	}

	/**
	 * A message heard live (new, or edited, reacted to or deleted). Returns whether something
	 * before it is missing (e.g. a catch-up cut short), which the caller then fetches.
	 * A change to a message older than the oldest one shown is not shown: merged, it would open a
	 * "gap" from it to the page's messages, and every open page would download the thread's
	 * history in between (thousands of messages for a reaction to an old one).
	 */
	receiveLive(m: MessageView): boolean {
		const oldest = this.messages[0]?.seq;
		if (oldest !== undefined && m.seq < oldest) return false;
		this.merge([m]);
		return this.syncedSeq < this.lastSeq;
	}

	connect(): void {
		const socket = realtime.connect();
		this.#socket = socket;
		const onConnect = () => void this.#join();
		const onMessage = (m: MessageView) => {
			if (this.receiveLive(m)) void this.#catchUp();
		};
		const onTyping = (t: { threadId: number; userId: number; name: string }) => {
			if (t.threadId !== this.thread.id || t.userId === this.#meId) return;
			this.typing = [
				...this.typing.filter((x) => x.userId !== t.userId),
				{ userId: t.userId, name: t.name }
			];
			clearTimeout(this.#typingTimers[t.userId]);
			this.#typingTimers[t.userId] = setTimeout(() => {
				this.typing = this.typing.filter((x) => x.userId !== t.userId);
			}, TYPING_SHOWN_MS);
		};
		const onPresence = (p: { threadId: number; count: number }) => {
			if (p.threadId === this.thread.id) this.present = p.count;
		};
		const onRead = (r: { threadId: number; userId: number; seq: number }) => {
			if (r.threadId !== this.thread.id) return;
			this.readers = { ...this.readers, [r.userId]: r.seq };
			if (r.userId === this.#meId) this.myReadSeq = Math.max(this.myReadSeq, r.seq);
		};
		const onDisconnect = () => {
			this.joined = false;
		};
		socket.on('connect', onConnect);
		socket.on('disconnect', onDisconnect);
		socket.on('thread:message', onMessage);
		socket.on('thread:typing', onTyping);
		socket.on('thread:presence', onPresence);
		socket.on('thread:read', onRead);
		this.#off.push(() => {
			socket.off('connect', onConnect);
			socket.off('disconnect', onDisconnect);
			socket.off('thread:message', onMessage);
			socket.off('thread:typing', onTyping);
			socket.off('thread:presence', onPresence);
			socket.off('thread:read', onRead);
		});
		if (socket.connected) void this.#join();
	}

	#rejoinDelay = 0;
	#rejoinTimer: ReturnType<typeof setTimeout> | undefined;
	#rejoinLater(): void {
		clearTimeout(this.#rejoinTimer);
		this.#rejoinDelay = Math.min(30_000, Math.max(1_000, this.#rejoinDelay * 2));
		this.#rejoinTimer = setTimeout(() => {
			if (this.#socket?.connected && !this.joined) void this.#join();
		}, this.#rejoinDelay);
	}

	/** Joins the room and asks for everything after the last message held without a gap. */
	async #join(): Promise<void> {
		const socket = this.#socket;
		if (!socket) return;
		try {
			const result = (await socket.timeout(SEND_TIMEOUT_MS).emitWithAck('thread:join', {
				threadId: this.thread.id,
				afterSeq: this.syncedSeq
			})) as Ack<JoinResult>;
			if (!result.ok) {
				this.notice = result.error.message;
				// A passing failure (the server's database away): join again soon, not only at
				// the next connect, which may not come while the socket itself stays up.
				if (result.error.code === 'unavailable' || result.error.code === 'internal')
					this.#rejoinLater();
				return;
			}
			this.#rejoinDelay = 0;
			this.merge(result.data.messages);
			this.present = result.data.present;
			this.readers = { ...result.data.readers, ...this.readers };
			this.thread = {
				...result.data.thread,
				lastSeq: Math.max(result.data.thread.lastSeq, this.lastSeq)
			};
			this.joined = true;
			this.notice = null;
			await this.#catchUp(result.data.hasMore);
			// Sends that failed while offline are tried again with their original keys.
			for (const p of this.pending.filter((p) => p.status === 'failed'))
				void this.retry(p.clientKey);
		} catch {
			// Timed out: the next 'connect' tries again.
		}
	}

	/**
	 * Asks for pages after `syncedSeq` until nothing is missing: more than one page was missed, or
	 * live messages arrived past a gap. One catch-up at a time; a failure waits for the next
	 * connect or live message.
	 */
	async #catchUp(more = false): Promise<void> {
		const socket = this.#socket;
		if (!socket || this.#catchingUp) return;
		this.#catchingUp = true;
		try {
			for (let page = 0; page < MAX_CATCH_UP_PAGES; page++) {
				if (!more && this.syncedSeq >= this.lastSeq) break;
				const result = (await socket.timeout(SEND_TIMEOUT_MS).emitWithAck('thread:sync', {
					threadId: this.thread.id,
					afterSeq: this.syncedSeq
				})) as Ack<MessagesResult>;
				if (!result.ok) break;
				this.merge(result.data.messages);
				more = result.data.hasMore;
			}
		} catch {
			// Timed out or cut: the next connect or live message tries again.
		} finally {
			this.#catchingUp = false;
		}
	}

	async send(body: string, replyToId: number | null = null): Promise<void> {
		const text = body.trim();
		if (!text) return;
		const clientKey = crypto.randomUUID();
		this.pending = [
			...this.pending,
			{ clientKey, body: text, replyToId, status: 'sending', error: null }
		];
		await this.#deliver(clientKey);
	}

	async retry(clientKey: string): Promise<void> {
		this.pending = this.pending.map((p) =>
			p.clientKey === clientKey ? { ...p, status: 'sending', error: null } : p
		);
		await this.#deliver(clientKey);
	}

	discard(clientKey: string): void {
		this.pending = this.pending.filter((p) => p.clientKey !== clientKey);
	}

	async #deliver(clientKey: string): Promise<void> {
		const item = this.pending.find((p) => p.clientKey === clientKey);
		const socket = this.#socket;
		if (!item || !socket) return;
		const fail = (error: string) => {
			this.pending = this.pending.map((p) =>
				p.clientKey === clientKey ? { ...p, status: 'failed', error } : p
			);
		};
		try {
			const result = (await socket.timeout(SEND_TIMEOUT_MS).emitWithAck('thread:send', {
				threadId: this.thread.id,
				clientKey,
				body: item.body,
				replyToId: item.replyToId
			})) as Ack<{ message: MessageView; duplicate: boolean }>;
			if (result.ok) this.merge([result.data.message]);
			else fail(result.error.message);
		} catch {
			fail('Not sent: the connection dropped. It will be retried when you are back online.');
		}
	}

	async loadOlder(): Promise<void> {
		const first = this.messages[0]?.seq;
		if (!this.#socket || first === undefined) return;
		const result = (await this.#socket.timeout(SEND_TIMEOUT_MS).emitWithAck('thread:history', {
			threadId: this.thread.id,
			beforeSeq: first
		})) as Ack<MessagesResult>;
		if (!result.ok) return;
		this.merge(result.data.messages);
		this.hasOlder = result.data.hasMore;
	}

	async act(
		event: 'thread:edit' | 'thread:delete' | 'thread:react',
		payload: object
	): Promise<string | null> {
		if (!this.#socket) return 'Not connected.';
		try {
			const result = (await this.#socket
				.timeout(SEND_TIMEOUT_MS)
				// eslint-disable-next-line @typescript-eslint/no-explicit-any
				.emitWithAck(event, payload as any)) as Ack<MessageView>;
			if (!result.ok) return result.error.message;
			this.merge([result.data]);
			return null;
		} catch {
			return 'The connection dropped. Try again when you are back online.';
		}
	}

	/** Tells the others we are typing, at most every two seconds. */
	typed(): void {
		const now = Date.now();
		if (!this.#socket?.connected || now - this.#lastTypingSent < 2000) return;
		this.#lastTypingSent = now;
		this.#socket.emit('thread:typing', { threadId: this.thread.id });
	}

	/** Marks everything shown as read (called when the page is visible). */
	markRead(): void {
		const seq = this.lastSeq;
		if (!this.#socket?.connected || seq <= this.myReadSeq) return;
		this.myReadSeq = seq;
		this.#socket.emit('thread:read', { threadId: this.thread.id, seq });
	}

	/** How many others have read up to this message. */
	seenBy(seq: number): number {
		return Object.entries(this.readers).filter(([id, s]) => Number(id) !== this.#meId && s >= seq)
			.length;
	}

	disconnect(): void {
		this.#socket?.emit('thread:leave', { threadId: this.thread.id });
		for (const off of this.#off) off();
		this.#off = [];
		for (const t of Object.values(this.#typingTimers)) clearTimeout(t);
		clearTimeout(this.#rejoinTimer);
	}
}
