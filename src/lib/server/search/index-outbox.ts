/**
 * Draining the search outbox into the engine. Each batch is one transaction: claim the oldest
 * rows (FOR UPDATE SKIP LOCKED, so several workers share the work), write the index, delete the
 * rows. If anything fails or the process dies inside it, the transaction never commits and the
 * rows stay for the next run; indexing a source twice is harmless because it always writes the
 * source's current state.
 */
import type { Database } from '../db/index.ts';
import type { SearchKind } from '../../shared/schemas/search.ts';
import { claimOutboxBatch, deleteOutboxRows } from './outbox.repository.ts';
import type { SearchEngine } from './search-engine.ts';

export const OUTBOX_BATCH = 500;

/** Indexes one batch; returns how many outbox rows it handled (0: nothing was waiting). */
export async function indexOutboxBatch(
	database: Database,
	engine: SearchEngine,
	batchSize = OUTBOX_BATCH
): Promise<number> {
	return database.transaction().execute(async (trx) => {
		const rows = await claimOutboxBatch(trx, batchSize);
		if (!rows.length) return 0;
		const byKind = new Map<SearchKind, Set<number>>();
		for (const row of rows) {
			if (!byKind.has(row.kind)) byKind.set(row.kind, new Set());
			byKind.get(row.kind)!.add(Number(row.sourceId));
		}
		for (const [kind, ids] of byKind) await engine.sync(trx, kind, [...ids]);
		await deleteOutboxRows(
			trx,
			rows.map((r) => Number(r.id))
		);
		return rows.length;
	});
}

/** Indexes batches until nothing waits; returns how many rows it handled. */
export async function drainSearchOutbox(
	database: Database,
	engine: SearchEngine,
	batchSize = OUTBOX_BATCH
): Promise<number> {
	let total = 0;
	for (;;) {
		const handled = await indexOutboxBatch(database, engine, batchSize);
		total += handled;
		if (handled < batchSize) return total;
	}
}
