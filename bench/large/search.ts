/**
 * The search index of the large organisation, built from the source tables by the app's own
 * indexers (`rebuildDocuments`, the statement the outbox worker and `npm run search:reindex`
 * use), so every post, comment, thread, message, page, memo and person is found exactly as the
 * app would index it. The GIN indexes are dropped for the load and built after it; the outbox is
 * then emptied, since the index already holds what its rows asked for.
 */
import { sql } from 'kysely';
import type { Database } from '../../src/lib/server/db/index.ts';
import { rebuildDocuments } from '../../src/lib/server/search/search.repository.ts';
import type { SearchKind } from '../../src/lib/shared/schemas/search.ts';
import { dropSearchLoadIndexes, SEARCH_LOAD_INDEXES } from '../seed-search.ts';

/** Two lanes of about equal work (messages are the most numerous), one connection each. */
const LANES: SearchKind[][] = [
	['message', 'person'],
	['post', 'comment', 'page', 'thread', 'memo']
];

export async function rebuildSearchIndex(
	db: Database,
	timed: (step: string, work: () => Promise<unknown>) => Promise<unknown>
): Promise<Record<string, number>> {
	const counts: Record<string, number> = {};
	await timed('search: drop indexes', () => dropSearchLoadIndexes(db));
	await timed('search: documents', () =>
		Promise.all(
			LANES.map((kinds) =>
				db.connection().execute(async (conn) => {
					await sql`set synchronous_commit = off`.execute(conn);
					for (const kind of kinds) counts[kind] = await rebuildDocuments(conn, kind);
					await sql`reset synchronous_commit`.execute(conn);
				})
			)
		)
	);
	// Both on one connection each: GIN builds are the slow part and use one core apiece.
	const entries = Object.entries(SEARCH_LOAD_INDEXES);
	await timed('search: build indexes', () =>
		Promise.all(
			[entries.slice(0, 1), entries.slice(1)].map((part) =>
				db.connection().execute(async (conn) => {
					await sql`set maintenance_work_mem = '512MB'`.execute(conn);
					for (const [, create] of part) await create.execute(conn);
					await sql`reset maintenance_work_mem`.execute(conn);
				})
			)
		)
	);
	await timed('search: empty the outbox', () => sql`delete from search_outbox`.execute(db));
	return counts;
}
