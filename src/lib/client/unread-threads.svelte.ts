/**
 * Unread messages across the threads a person takes part in, for the navigation's badge: read
 * once from the API when the app opens, then kept current by the `thread:activity` events the
 * server sends to the person's own room.
 */
import { realtime } from './realtime.svelte';

type Position = { lastSeq: number; readSeq: number };

class UnreadThreads {
	positions = $state<Record<number, Position>>({});
	total = $derived(
		Object.values(this.positions).reduce((sum, p) => sum + Math.max(0, p.lastSeq - p.readSeq), 0)
	);
	#started = false;

	async start(): Promise<void> {
		if (this.#started) return;
		this.#started = true;
		realtime.connect().on('thread:activity', (a) => {
			const current = this.positions[a.threadId] ?? { lastSeq: 0, readSeq: 0 };
			this.positions = {
				...this.positions,
				[a.threadId]: {
					lastSeq: Math.max(current.lastSeq, a.lastSeq ?? 0),
					readSeq: Math.max(current.readSeq, a.readSeq ?? 0)
				}
			};
		});
		try {
			const response = await fetch('/api/v1/threads?home=mine');
			if (!response.ok) return;
			const { threads } = (await response.json()) as {
				threads: { id: number; lastSeq: number; readSeq: number | null }[];
			};
			const next = { ...this.positions };
			for (const t of threads) {
				const live = next[t.id];
				next[t.id] = {
					lastSeq: Math.max(t.lastSeq, live?.lastSeq ?? 0),
					readSeq: Math.max(t.readSeq ?? 0, live?.readSeq ?? 0)
				};
			}
			this.positions = next;
		} catch {
			// Offline at start: the badge fills in as activity arrives.
		}
	}
}

export const unreadThreads = new UnreadThreads();
