/** `npm run db:migrate`: applies pending migrations to DATABASE_URL, or to the embedded database. */
import { config } from '../src/lib/server/config.ts';
import { createDb, resolveDatabaseUrl } from '../src/lib/server/db/index.ts';
import { migrateToLatest } from '../src/lib/server/db/migrate.ts';
import { shutdown } from '../src/lib/server/lifecycle.ts';

const db = createDb(await resolveDatabaseUrl(config()), 1);
try {
	const applied = await migrateToLatest(db);
	console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'The database is up to date.');
} catch (error) {
	console.error(error instanceof Error ? error.message : error);
	process.exitCode = 1;
} finally {
	await db.destroy();
	await shutdown();
}
// Exit explicitly: the embedded server's exit hook would otherwise override the exit code.
process.exit(process.exitCode ?? 0);
