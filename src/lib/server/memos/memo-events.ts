/**
 * Live memo reports: sockets of people allowed to see a memo's report join `memo:<id>:report`
 * (see memo-socket.ts); after an acknowledgement or exception commits, the new counts go there.
 * Counting a large memo costs a scan of its recipients, so announcements are coalesced: at most
 * one per memo every ANNOUNCE_INTERVAL_MS, always with counts read after the latest commit.
 */
import { logger } from '../log.ts';
import { getRealtimeServer } from '../realtime/registry.ts';
import type { MemoCounts } from '../../shared/memos.ts';

export const memoReportRoom = (memoId: number) => `memo:${memoId}:report`;

export const ANNOUNCE_INTERVAL_MS = 250;
const pending = new Set<number>();

/**
 * Call after commit only. `count` reads the current counts; it runs once per interval per memo
 * however many acknowledgements committed meanwhile, and only when a server is attached.
 */
export function announceMemoProgress(memoId: number, count: () => Promise<MemoCounts>): void {
	const io = getRealtimeServer();
	if (!io || pending.has(memoId)) return;
	pending.add(memoId);
	setTimeout(() => {
		pending.delete(memoId);
		count()
			.then((counts) => io.to(memoReportRoom(memoId)).emit('memo:report', { memoId, counts }))
			.catch((error) => logger().warn({ err: error, memoId }, 'memo report announcement failed'));
	}, ANNOUNCE_INTERVAL_MS).unref?.();
}
