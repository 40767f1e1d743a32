/**
 * What the app does once per process before serving: start (or connect to) the database,
 * migrate it, seed the demo organisation into an empty one, register realtime handlers, and start
 * the background job runner (which keeps the search index up to date).
 */
import { startAuthHousekeeping } from './auth/housekeeping.ts';
import { startAppJobRunner } from './jobs/runner.ts';
import {
	crontab,
	NOTIFICATIONS_DIGEST_TASK,
	PAGE_REVIEW_TASK,
	SEARCH_INDEX_TASK,
	SEARCH_REBUILD_TASK,
	tasks
} from './jobs/tasks.ts';
import { searchEngine } from './search/search.service.ts';
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
	// A search engine that is down must not keep the intranet from starting: searches fail
	// until it is back, and the outbox keeps every change for it.
	await searchEngine()
		.prepare()
		.catch((error) => log.error({ err: error }, 'search engine not ready'));
	const jobs = await startAppJobRunner({ connectionString: url, tasks, crontab });
	// Index tasks left by a crash (or written before the job schema existed) are drained now; an
	// empty index (a new installation, or one upgraded to search) is built in the background.
	await jobs.addJob(SEARCH_INDEX_TASK, {});
	// Notifications and e-mails written while no worker ran are dispatched and queued now.
	await jobs.addJob(NOTIFICATIONS_DIGEST_TASK, {}, { jobKey: NOTIFICATIONS_DIGEST_TASK });
	await jobs.addJob(PAGE_REVIEW_TASK, {}, { jobKey: PAGE_REVIEW_TASK });
	if (
		await searchEngine()
			.isEmpty(db)
			.catch(() => false)
	)
		await jobs.addJob(SEARCH_REBUILD_TASK, {}, { jobKey: SEARCH_REBUILD_TASK, maxAttempts: 3 });
	log.info({ embedded: !cfg.databaseUrl }, 'commons ready');
	return db;
}
