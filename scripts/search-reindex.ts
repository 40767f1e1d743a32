/**
 * `npm run search:reindex`: rebuilds the search index from the source tables, one set-based
 * statement per kind (PostgreSQL) or in batches of 5,000 (Meilisearch, when MEILI_URL is set).
 * Safe while the app runs against DATABASE_URL: writes made meanwhile are in the outbox and the
 * worker indexes them again. With the embedded database, stop the app first (one server per
 * data folder).
 */
import { config } from '../src/lib/server/config.ts';
import { createDb, resolveDatabaseUrl } from '../src/lib/server/db/index.ts';
import { migrateToLatest } from '../src/lib/server/db/migrate.ts';
import { shutdown } from '../src/lib/server/lifecycle.ts';
import { searchEngine } from '../src/lib/server/search/search.service.ts';

const db = createDb(await resolveDatabaseUrl(config()), 2);
try {
	await migrateToLatest(db);
	const engine = searchEngine();
	await engine.prepare();
	const started = performance.now();
	const counts = await engine.rebuild(db);
	const seconds = ((performance.now() - started) / 1000).toFixed(1);
	const total = Object.values(counts).reduce((a, b) => a + (b ?? 0), 0);
	console.log(`Rebuilt the ${engine.name} search index in ${seconds} s: ${total} documents`);
	for (const [kind, count] of Object.entries(counts)) console.log(`  ${kind.padEnd(8)} ${count}`);
} catch (error) {
	console.error(error instanceof Error ? error.message : error);
	process.exitCode = 1;
} finally {
	await db.destroy();
	await shutdown();
}
// Exit explicitly: the embedded server's exit hook would otherwise override the exit code.
process.exit(process.exitCode ?? 0);
