/**
 * Live memo reports: sockets of people allowed to see a memo's report join `memo:<id>:report`
 * (see memo-socket.ts); after an acknowledgement or exception commits, the new counts go there.
 */
import { getRealtimeServer } from '../realtime/registry.ts';
import type { MemoCounts } from '../../shared/memos.ts';

export const memoReportRoom = (memoId: number) => `memo:${memoId}:report`;

/** Call after commit only. */
export function announceMemoProgress(memoId: number, counts: MemoCounts): void {
	getRealtimeServer()?.to(memoReportRoom(memoId)).emit('memo:report', { memoId, counts });
}
