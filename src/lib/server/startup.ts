/**
 * What the app does once per process before serving: start (or connect to) the database,
 * migrate it, seed the demo organisation into an empty one, and register realtime handlers.
 */
import { startAuthHousekeeping } from './auth/housekeeping.ts';
import { config } from './config.ts';
import { startAppDatabase, type Database } from './db/index.ts';
import { describeSeed, seedDemoOrganisation, isEmptyOrganisation } from './demo/seed.ts';
import { logger } from './log.ts';
import { useClusterAdapter } from './realtime/cluster.ts';
import { registerRealtimeHandlers } from './realtime/handlers.ts';
import { getRealtimeServer } from './realtime/registry.ts';

export async function startCommons(): Promise<Database> {
	const cfg = config();
	const log = logger();
	const { db, url } = await startAppDatabase(cfg, (line) => log.debug({ postgres: line }));
	const io = getRealtimeServer();
	if (io && cfg.realtimeAdapter === 'postgres') useClusterAdapter(io, url);
	if (await isEmptyOrganisation(db)) {
		const seeded = await seedDemoOrganisation(db, cfg.demoPassword);
		if (seeded) {
			console.log(describeSeed(seeded, cfg.origin ?? `http://localhost:${cfg.port}`));
		}
	}
	registerRealtimeHandlers();
	startAuthHousekeeping(db);
	log.info({ embedded: !cfg.databaseUrl }, 'commons ready');
	return db;
}
