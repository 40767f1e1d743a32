/**
 * One simulated person in the `day` benchmark: signs in through the sign-in form, keeps a live
 * socket.io connection as the app's layout does, and then, after a think time drawn around
 * `thinkSeconds` (exponential), does one thing of a working day, mostly reading:
 *
 * | action        | share | what it sends                                                         |
 * | ------------- | ----- | --------------------------------------------------------------------- |
 * | feed          | 24%   | GET /feed                                                             |
 * | thread        | 14%   | GET /threads/:id, then `thread:join` and `thread:read` on the socket  |
 * | chat          | 5%    | `thread:send` in the thread they have open (opens one first if none)   |
 * | page          | 14%   | GET /kb/:space/:path                                                  |
 * | search        | 9%    | two as-you-type GET /api/v1/search/suggest, then GET /search?q=        |
 * | post          | 8%    | GET /posts/:id                                                        |
 * | department    | 6%    | GET /d/:slug                                                          |
 * | people        | 5%    | GET /people (a third of the time with a name typed)                   |
 * | threads list  | 5%    | GET /threads                                                          |
 * | notifications | 5%    | GET /notifications                                                    |
 * | memo          | 4%    | GET /memos/:id of a memo they owe, then (4 in 5) acknowledge it        |
 * | write post    | 1%    | POST /api/v1/posts to their department                                |
 *
 * Threads, pages and departments are picked with a skew towards the busiest (u³ or u² of the
 * list), so a few threads have many people in them, as in a real organisation. A person leaves a
 * thread's room when they move on. Socket requests (join, read, send) are timed like HTTP ones,
 * from the emit to the acknowledgement.
 */
import { randomUUID } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';
import type { HttpClient, HttpResult } from './http.ts';
import type { StepRecorder } from './recorder.ts';
import type { DayTargets, PendingMemo, SimulatedPerson } from './targets.ts';

export const ACTION_WEIGHTS: [string, number][] = [
	['feed', 24],
	['thread', 14],
	['chat', 5],
	['page', 14],
	['search', 9],
	['post', 8],
	['department', 6],
	['people', 5],
	['threads list', 5],
	['notifications', 5],
	['memo', 4],
	['write post', 1]
];

/**
 * The mix without the actions named in BENCH_DAY_SKIP (comma-separated, e.g. `search`): to see
 * what the rest of the app holds when one part is the bottleneck. The others keep their shares.
 */
export function actionMix(skip = process.env.BENCH_DAY_SKIP ?? ''): [string, number][] {
	const skipped = new Set(
		skip
			.split(',')
			.map((s) => s.trim())
			.filter(Boolean)
	);
	for (const name of skipped)
		if (!ACTION_WEIGHTS.some(([action]) => action === name))
			throw new Error(
				`BENCH_DAY_SKIP: no action ${JSON.stringify(name)} (${ACTION_WEIGHTS.map(([a]) => a).join(', ')})`
			);
	return ACTION_WEIGHTS.filter(([action]) => !skipped.has(action));
}
const ACK_TIMEOUT_MS = 30_000;

/** What every simulated person shares: the app, the targets, the current step's recorder. */
export type World = {
	http: HttpClient;
	/** The URL sockets connect to (the app, or the proxy in front of the apps). */
	socketUrl: string;
	password: string;
	targets: DayTargets;
	thinkSeconds: number;
	recorder: () => StepRecorder;
	/** Messages sent, by client key: when, and how many others had the thread open. */
	sent: Map<string, { at: number; expected: number; received: number }>;
	/** Who has which thread open. */
	present: Map<number, Set<number>>;
	random: () => number;
	/** The actions and their weights (see `actionMix`). */
	mix: [string, number][];
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class Person {
	readonly #world: World;
	readonly who: SimulatedPerson;
	#cookie: string | null = null;
	#socket: Socket | null = null;
	#thread: number | null = null;
	#running = false;
	#loop: Promise<void> | null = null;
	readonly #pending: PendingMemo[];

	constructor(world: World, who: SimulatedPerson) {
		this.#world = world;
		this.who = who;
		this.#pending = [...(world.targets.pendingMemos.get(who.id) ?? [])];
	}

	#record(action: string, result: Pick<HttpResult, 'ms' | 'status' | 'failed' | 'bytes'>) {
		this.#world.recorder().request({
			action,
			ms: result.ms,
			status: result.status,
			failed: result.failed,
			bytes: result.bytes
		});
	}

	async #get(action: string, path: string): Promise<HttpResult> {
		const result = await this.#world.http.request({ path, cookie: this.#cookie });
		this.#record(action, result);
		return result;
	}

	/** Signs in through the form; retries a refusal (busy, throttled) a few times. */
	async signIn(): Promise<boolean> {
		for (let attempt = 0; attempt < 5; attempt++) {
			const result = await this.#world.http.request({
				path: '/login',
				form: { email: this.who.email, password: this.#world.password }
			});
			this.#record('sign in', result);
			if (result.status === 303 && result.cookie) {
				this.#cookie = result.cookie;
				return true;
			}
			await sleep(1000 * (attempt + 1));
		}
		return false;
	}

	/** The live connection every page of the app keeps open. */
	async connect(): Promise<void> {
		const socket = io(this.#world.socketUrl, {
			path: '/realtime',
			transports: ['websocket'],
			forceNew: true,
			reconnection: false,
			extraHeaders: { cookie: this.#cookie ?? '' }
		});
		this.#socket = socket;
		socket.on('thread:message', (message: { clientKey: string; author: { id: number } }) => {
			if (message.author.id === this.who.id) return;
			const sent = this.#world.sent.get(message.clientKey);
			if (!sent) return;
			sent.received++;
			this.#world.recorder().delivery(performance.now() - sent.at);
		});
		await new Promise<void>((resolve, reject) => {
			socket.once('connect', () => resolve());
			socket.once('connect_error', reject);
		});
	}

	/** Emits with an acknowledgement and records it like a request. */
	async #emit(action: string, event: string, payload: unknown): Promise<unknown> {
		const started = performance.now();
		try {
			const ack = (await this.#socket!.timeout(ACK_TIMEOUT_MS).emitWithAck(event, payload)) as {
				ok: boolean;
				data?: unknown;
				error?: { code: string };
			};
			const status = ack.ok ? 200 : ack.error?.code === 'internal' ? 500 : 400;
			this.#record(action, { ms: performance.now() - started, status, failed: false, bytes: 0 });
			return ack.ok ? ack.data : null;
		} catch {
			this.#record(action, { ms: performance.now() - started, status: 0, failed: true, bytes: 0 });
			return null;
		}
	}

	#pick<T>(list: T[], power: number): T {
		return list[Math.floor(list.length * this.#world.random() ** power)]!;
	}

	#leaveThread(): void {
		if (this.#thread === null) return;
		this.#world.present.get(this.#thread)?.delete(this.who.id);
		this.#socket?.emit('thread:leave', { threadId: this.#thread });
		this.#thread = null;
	}

	async #openThread(): Promise<void> {
		this.#leaveThread();
		const threadId = this.#pick(this.#world.targets.threads, 3);
		await this.#get('thread', `/threads/${threadId}`);
		const joined = (await this.#emit('socket: join', 'thread:join', { threadId })) as {
			thread: { lastSeq: number };
		} | null;
		if (!joined) return;
		this.#thread = threadId;
		let present = this.#world.present.get(threadId);
		if (!present) this.#world.present.set(threadId, (present = new Set()));
		present.add(this.who.id);
		await this.#emit('socket: read', 'thread:read', { threadId, seq: joined.thread.lastSeq });
	}

	async #chat(): Promise<void> {
		if (this.#thread === null) await this.#openThread();
		const threadId = this.#thread;
		if (threadId === null) return;
		const clientKey = randomUUID();
		const others = [...(this.#world.present.get(threadId) ?? [])].filter(
			(id) => id !== this.who.id
		);
		this.#world.sent.set(clientKey, {
			at: performance.now(),
			expected: others.length,
			received: 0
		});
		const words = this.#world.targets.words;
		const length = 3 + Math.floor(this.#world.random() * 15);
		const body = Array.from({ length }, () => this.#pick(words, 2)).join(' ');
		await this.#emit('socket: send', 'thread:send', { threadId, clientKey, body });
	}

	async #search(): Promise<void> {
		const word = this.#pick(this.#world.targets.words, 2);
		for (const n of [3, 5]) {
			if (word.length < n) break;
			await this.#get(
				'suggest',
				`/api/v1/search/suggest?q=${encodeURIComponent(word.slice(0, n))}`
			);
		}
		const q =
			this.#world.random() < 0.3 ? `${word} ${this.#pick(this.#world.targets.words, 2)}` : word;
		await this.#get('search', `/search?q=${encodeURIComponent(q)}`);
	}

	async #memo(): Promise<void> {
		const memo = this.#pending[0];
		if (!memo) {
			await this.#get('memos list', '/memos');
			return;
		}
		await this.#get('memo', `/memos/${memo.id}`);
		if (this.#world.random() < 0.8) {
			const result = await this.#world.http.request({
				path: `/api/v1/memos/${memo.id}/acknowledge`,
				cookie: this.#cookie,
				json: { version: memo.version, attested: true, answer: null }
			});
			this.#record('acknowledge', result);
			if (result.status === 200 || result.status === 201) this.#pending.shift();
		}
	}

	async act(): Promise<void> {
		const mix = this.#world.mix;
		let r = this.#world.random() * mix.reduce((a, [, w]) => a + w, 0);
		const action = mix.find(([, w]) => (r -= w) < 0)?.[0] ?? 'feed';
		const t = this.#world.targets;
		if (action !== 'chat' && action !== 'thread') this.#leaveThread();
		switch (action) {
			case 'feed':
				return void (await this.#get('feed', '/feed'));
			case 'thread':
				return this.#openThread();
			case 'chat':
				return this.#chat();
			case 'page':
				return void (await this.#get('page', this.#pick(t.pages, 2)));
			case 'search':
				return this.#search();
			case 'post':
				return void (await this.#get('post', `/posts/${this.#pick(t.posts, 2)}`));
			case 'department':
				return void (await this.#get('department', `/d/${this.#pick(t.departments, 2)}`));
			case 'people': {
				const query =
					this.#world.random() < 1 / 3
						? `?q=${encodeURIComponent(this.who.name.split(' ')[1] ?? '')}`
						: '';
				return void (await this.#get('people', `/people${query}`));
			}
			case 'threads list':
				return void (await this.#get('threads list', '/threads'));
			case 'notifications':
				return void (await this.#get('notifications', '/notifications'));
			case 'memo':
				return this.#memo();
			default: {
				const result = await this.#world.http.request({
					path: '/api/v1/posts',
					cookie: this.#cookie,
					json: {
						audience: this.who.departmentId,
						body: `Update from ${this.who.name}: ${this.#pick(t.words, 2)} ${this.#pick(t.words, 2)}`
					}
				});
				this.#record('write post', result);
			}
		}
	}

	#wake: (() => void) | null = null;

	/** A think time that `stop()` cuts short. */
	#think(): Promise<void> {
		const ms = -Math.log(1 - this.#world.random()) * this.#world.thinkSeconds * 1000;
		return new Promise((resolve) => {
			const timer = setTimeout(resolve, ms);
			this.#wake = () => {
				clearTimeout(timer);
				resolve();
			};
		});
	}

	/** Acts after each think time until `stop()`. */
	start(): void {
		this.#running = true;
		this.#loop = (async () => {
			while (this.#running) {
				await this.#think();
				if (!this.#running) break;
				await this.act();
			}
		})();
	}

	async stop(): Promise<void> {
		this.#running = false;
		this.#wake?.();
		await this.#loop;
		this.#leaveThread();
		this.#socket?.close();
	}
}
