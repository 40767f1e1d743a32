/**
 * `npm run seed`: empties the database and seeds the demo organisation again. Refuses to run
 * against DATABASE_URL unless --yes is given, because it deletes everything.
 */
import { config } from '../src/lib/server/config.ts';
import { createDb, resolveDatabaseUrl } from '../src/lib/server/db/index.ts';
import { migrateToLatest } from '../src/lib/server/db/migrate.ts';
import {
	describeSeed,
	seedDemoOrganisation,
	truncateOrganisation
} from '../src/lib/server/demo/seed.ts';
import { shutdown } from '../src/lib/server/lifecycle.ts';

const cfg = config();
if (cfg.databaseUrl && !process.argv.includes('--yes')) {
	console.error(
		'npm run seed deletes every row in DATABASE_URL. Run `npm run seed -- --yes` to confirm.'
	);
	process.exit(1);
}

const db = createDb(await resolveDatabaseUrl(cfg), 1);
try {
	await migrateToLatest(db);
	await truncateOrganisation(db);
	const result = await seedDemoOrganisation(db, cfg.demoPassword);
	if (result) console.log(describeSeed(result, cfg.origin ?? `http://localhost:${cfg.port}`));
} catch (error) {
	console.error(error instanceof Error ? error.message : error);
	process.exitCode = 1;
} finally {
	await db.destroy();
	await shutdown();
}
// Exit explicitly: the embedded server's exit hook would otherwise override the exit code.
process.exit(process.exitCode ?? 0);
