/**
 * People who join an audience department later (new people, or people who move) receive the
 * published memos that ask for it. Called by the people services in their own transaction, so
 * the move and the delivery commit together.
 */
import type { Database } from '../db/index.ts';
import { enqueueSearchIndex } from '../search/outbox.repository.ts';
import { deliverToLaterJoiners } from './memo-recipient.repository.ts';

/**
 * After `userIds` joined or changed department: delivers the memos they now fall under (due
 * `laterJoinerDays` from today) and keeps their existing recipient rows' department current for
 * the roll-up. Set-based: one statement per step for any number of people.
 */
export async function deliverMemosToJoiners(
	trx: Database,
	userIds: number[],
	now: Date = new Date()
): Promise<{ memoId: number; userId: number }[]> {
	const delivered = await deliverToLaterJoiners(trx, userIds, now);
	// Each memo's readers changed: search must let the new ones find it.
	const memoIds = [...new Set(delivered.map((d) => d.memoId))];
	await enqueueSearchIndex(
		trx,
		memoIds.map((id) => ({ kind: 'memo' as const, id }))
	);
	return delivered;
}
