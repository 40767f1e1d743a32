/**
 * The only code that touches the rate_limit table: fixed-window counters shared by every app
 * instance (see rate-limit.ts).
 */
import { sql } from 'kysely';
import type { Database } from '../db/index.ts';

/**
 * Counts one hit against each key in the window starting at `windowStart`, in one statement (one
 * round trip per request), and returns each key's count in that window. A key whose row belongs
 * to an earlier window starts again at 1.
 */
export async function countHits(
	db: Database,
	keys: string[],
	windowStart: Date
): Promise<Map<string, number>> {
	if (keys.length === 0) return new Map();
	const rows = await db
		.insertInto('rateLimit')
		.values(keys.map((key) => ({ key, windowStart, hits: 1 })))
		.onConflict((oc) =>
			oc.column('key').doUpdateSet({
				hits: sql`case when rate_limit.window_start = excluded.window_start then rate_limit.hits + 1 else 1 end`,
				windowStart: sql`excluded.window_start`
			})
		)
		.returning(['key', 'hits'])
		.execute();
	return new Map(rows.map((r) => [r.key, r.hits]));
}

/** Housekeeping: removes counters whose window ended before `before`. */
export async function deleteRateLimitsBefore(db: Database, before: Date): Promise<number> {
	const result = await db
		.deleteFrom('rateLimit')
		.where('windowStart', '<', before)
		.executeTakeFirst();
	return Number(result.numDeletedRows);
}
