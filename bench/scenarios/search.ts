/**
 * Search at scale: BENCH_SEARCH_DOCUMENTS documents (default 1,000,000) bulk-written by
 * bench/seed-search.ts, and 10 concurrent searchers running a mixed query load against
 * `/api/v1/search` and `/api/v1/search/suggest` as a signed-in demo account, next to the same
 * searches run straight on PostgreSQL in the same run (the engine's SQL on a pool of 10, no
 * HTTP, no app). While the API is under load, a probe writes a post every half second through
 * the API and times how long until a search finds it (the outbox, the job worker and the index).
 * Targets: API p95 under 30 ms; new content searchable within 1 s.
 */
import { createDb } from '../../src/lib/server/db/index.ts';
import { defaultSharedBuffers, ensureDatabase } from '../../src/lib/server/db/embedded.ts';
import { migrateToLatest } from '../../src/lib/server/db/migrate.ts';
import { startScratchPostgres } from '../../src/lib/server/db/scratch.ts';
import { seedDemoOrganisation } from '../../src/lib/server/demo/seed.ts';
import { loadActor } from '../../src/lib/server/org/actor.ts';
import { DEMO_PASSWORD } from '../lib/app.ts';
import { signInCookie } from '../lib/session.ts';
import type { Row, Scenario } from '../lib/types.ts';
import { DEFAULT_VIEWER } from '../seed-feed.ts';
import { seedSearch } from '../seed-search.ts';
import {
	explainSearch,
	makeQueryMix,
	measurementOf,
	probeWriteToSearchable,
	runSearchers,
	type BenchQuery
} from '../lib/search-load.ts';
import { postgresEngine } from '../../src/lib/server/search/postgres-engine.ts';
import type { ViewerFilter } from '../../src/lib/server/search/search-engine.ts';

const SEARCHERS = 10;
const TARGET_P95_MS = 30;
const TARGET_WRITE_MS = 1000;

function documentsToSeed(): number {
	const raw = process.env.BENCH_SEARCH_DOCUMENTS ?? '1000000';
	const documents = Number(raw);
	if (!Number.isInteger(documents) || documents < 1000)
		throw new Error(
			`BENCH_SEARCH_DOCUMENTS must be a whole number ≥ 1000 (got ${JSON.stringify(raw)})`
		);
	return documents;
}

const scenario: Scenario = {
	name: 'search',
	description: `${SEARCHERS} concurrent searchers over 1M documents through /api/v1/search, next to the same SQL run directly`,
	async run(ctx) {
		const documents = documentsToSeed();
		// Sized as the app's own embedded server sizes it (tests keep PostgreSQL's 128 MB).
		const server = await startScratchPostgres({ sharedBuffers: defaultSharedBuffers() });
		try {
			await ensureDatabase(server.urlFor('postgres'), 'commons');
			const url = server.urlFor('commons');
			// One connection for seeding: session settings (maintenance_work_mem) must stick.
			const seedDb = createDb(url, 1);
			let seeded;
			let viewer: ViewerFilter;
			let mix: BenchQuery[];
			try {
				await migrateToLatest(seedDb);
				await seedDemoOrganisation(seedDb, DEMO_PASSWORD);
				ctx.log(`seeding ${documents.toLocaleString('en')} search documents…`);
				seeded = await seedSearch(seedDb, { documents, seed: 42 });
				for (const s of seeded.steps) ctx.log(`  ${s.step}: ${s.seconds} s`);
				ctx.log(`  documents by kind: ${JSON.stringify(seeded.counts)}`);
				const me = await seedDb
					.selectFrom('users')
					.where('email', '=', DEFAULT_VIEWER)
					.select('id')
					.executeTakeFirstOrThrow();
				const actor = (await loadActor(seedDb, me.id))!;
				viewer = { userId: actor.id, hiddenDepartmentIds: actor.hiddenDepartmentIds };
				mix = await makeQueryMix(seedDb, seeded.vocabulary, 42);
				for (const line of await explainSearch(seedDb, viewer, seeded.vocabulary)) ctx.log(line);
			} finally {
				await seedDb.destroy();
			}

			const duration = ctx.options.duration;
			const warmup = ctx.options.warmup;
			// The floor: the engine's SQL straight on PostgreSQL, 10 connections, no app.
			const sqlDb = createDb(url, SEARCHERS);
			const direct = async (query: BenchQuery) => {
				if (query.endpoint === 'suggest')
					await postgresEngine.suggest(sqlDb, { text: query.q, viewer, limit: 8 });
				else
					await postgresEngine.search(sqlDb, {
						text: query.q,
						viewer,
						kinds: query.type ? [query.type] : [],
						departmentIds: null,
						after: null,
						limit: 20
					});
			};
			if (warmup) await runSearchers(mix, SEARCHERS, warmup, direct);
			const bare = await runSearchers(mix, SEARCHERS, duration, direct);
			await sqlDb.destroy();

			const app = await ctx.startApp({ env: { DATABASE_URL: url, REALTIME_ADAPTER: 'memory' } });
			const cookie = await signInCookie(app, DEFAULT_VIEWER);
			const overHttp = async (query: BenchQuery) => {
				const params = new URLSearchParams({ q: query.q });
				if (query.type) params.set('type', query.type);
				const path = query.endpoint === 'suggest' ? '/api/v1/search/suggest' : '/api/v1/search';
				const response = await fetch(`${app.url}${path}?${params}`, { headers: { cookie } });
				await response.arrayBuffer();
				if (!response.ok) throw new Error(`${path} answered ${response.status}`);
			};
			if (warmup) await runSearchers(mix, SEARCHERS, warmup, overHttp);
			const [api, probe] = await Promise.all([
				runSearchers(mix, SEARCHERS, duration, overHttp),
				probeWriteToSearchable(app.url, cookie, duration)
			]);
			await app.stop();

			const p95 = api.all.latencyMs.p95;
			ctx.log(
				`API p50 ${api.all.latencyMs.p50} ms, p95 ${p95} ms, p99 ${api.all.latencyMs.p99} ms ` +
					`(target p95 < ${TARGET_P95_MS} ms: ${p95 < TARGET_P95_MS ? 'met' : 'NOT met'}); ` +
					`bare SQL p95 ${bare.all.latencyMs.p95} ms`
			);
			ctx.log(
				`write to searchable: ${probe.delays.length} posts, p50 ${probe.p50} ms, p95 ${probe.p95} ms, ` +
					`max ${probe.max} ms (target < ${TARGET_WRITE_MS} ms: ${probe.max < TARGET_WRITE_MS ? 'met' : 'NOT met'})`
			);
			const row = (
				name: string,
				path: string,
				m: ReturnType<typeof measurementOf>,
				baseline = false
			): Row => ({ name, path, baseline, measurement: m }) as Row;
			return [
				{
					...row('bare SQL, all', '(engine SQL on a pool)', bare.all, true),
					dataset: {
						documents,
						seedSeconds: seeded.seconds,
						seedSteps: seeded.steps,
						counts: seeded.counts
					}
				},
				{
					...row('API, all', '/api/v1/search…', api.all),
					targetP95Ms: TARGET_P95_MS,
					targetMet: p95 < TARGET_P95_MS,
					writeToSearchableMs: probe
				},
				...Object.entries(api.byClass).map(([cls, m]) =>
					row(`API, ${cls}`, `/api/v1/search (${cls})`, m)
				),
				...Object.entries(bare.byClass).map(([cls, m]) =>
					row(`SQL, ${cls}`, `(engine SQL, ${cls})`, m)
				)
			] as Row[];
		} finally {
			await server.stop();
		}
	}
};

export default scenario;
