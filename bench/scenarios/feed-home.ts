/**
 * The home feed at scale: a database with BENCH_FEED_POSTS posts (default 1,000,000) in 300 extra
 * departments and 5,000 extra people, bulk-written by bench/seed-feed.ts, and a reader (a demo
 * account) who follows the 20 busiest departments. Server-side rendering of /feed as that reader
 * at 25 connections, next to the bare /baseline page in the same run, and /api/v1/feed (the same
 * page as JSON) to separate the queries from the rendering; the target is /feed p95 under 100 ms.
 * The plan PostgreSQL chooses for the feed query is printed (EXPLAIN ANALYZE) and kept in the
 * results: it must use the feed indexes, never a sequential scan of post.
 *
 * The database is a PostgreSQL server of the scenario's own (embedded, in a temporary folder),
 * migrated, demo-seeded and bulk-seeded before the app starts, and handed to it as DATABASE_URL
 * (the app's own fresh database would be empty: the seeding needs a connection to it first).
 */
import { createDb } from '../../src/lib/server/db/index.ts';
import { defaultSharedBuffers, ensureDatabase } from '../../src/lib/server/db/embedded.ts';
import { migrateToLatest } from '../../src/lib/server/db/migrate.ts';
import { startScratchPostgres } from '../../src/lib/server/db/scratch.ts';
import { seedDemoOrganisation } from '../../src/lib/server/demo/seed.ts';
import { postgresEngine } from '../../src/lib/server/search/postgres-engine.ts';
import {
	explainHomeFeed,
	type HomeFeedSources
} from '../../src/lib/server/feeds/feed.repository.ts';
import { DEMO_PASSWORD } from '../lib/app.ts';
import { signInCookie } from '../lib/session.ts';
import type { Row, Scenario } from '../lib/types.ts';
import { DEFAULT_VIEWER, describeSeed, seedFeed } from '../seed-feed.ts';

const CONNECTIONS = 25;
const FOLLOWED = 20;
const DEPARTMENTS = 300;
const PEOPLE = 5000;
const TARGET_P95_MS = 100;
/** The service asks for one more than a page (20) to know whether there is a next page. */
const LIMIT = 21;

function postsToSeed(): number {
	const raw = process.env.BENCH_FEED_POSTS ?? '1000000';
	const posts = Number(raw);
	if (!Number.isInteger(posts) || posts < 1)
		throw new Error(
			`BENCH_FEED_POSTS must be a whole number of posts (got ${JSON.stringify(raw)})`
		);
	return posts;
}

/** Does the plan read post through indexes only (no sequential scan of the table)? */
function summarisePlan(plan: string[]) {
	const usesIndexes = plan.some((l) => /Index (Only )?Scan/.test(l));
	const seqScanOfPost = plan.some((l) => /Seq Scan on post\b/.test(l));
	const executionMs = Number(
		plan.find((l) => l.startsWith('Execution Time'))?.match(/[\d.]+/)?.[0]
	);
	return {
		usesIndexes,
		seqScanOfPost,
		executionMs: Number.isFinite(executionMs) ? executionMs : null
	};
}

const scenario: Scenario = {
	name: 'feed-home',
	description: `SSR of /feed for a reader following ${FOLLOWED} departments among 1M posts, next to /baseline`,
	async run(ctx) {
		const posts = postsToSeed();
		// Sized as the app's own embedded server sizes it (tests keep PostgreSQL's 128 MB).
		const server = await startScratchPostgres({ sharedBuffers: defaultSharedBuffers() });
		try {
			await ensureDatabase(server.urlFor('postgres'), 'commons');
			const url = server.urlFor('commons');
			const db = createDb(url, 2);
			try {
				await migrateToLatest(db);
				await seedDemoOrganisation(db, DEMO_PASSWORD);
				ctx.log(
					`seeding ${posts.toLocaleString('en')} posts, ${DEPARTMENTS} departments, ${PEOPLE} people…`
				);
				const seeded = await seedFeed(db, {
					posts,
					departments: DEPARTMENTS,
					people: PEOPLE,
					seed: 42,
					viewer: DEFAULT_VIEWER,
					follows: FOLLOWED
				});
				for (const line of describeSeed(seeded)) ctx.log(line);
				// The app builds an empty search index in the background when it starts, as a new
				// installation needs. Here that was a million posts indexed during the measurement
				// (and a shutdown that waited for it past its 15 s): index them first, as a
				// running installation has them.
				const indexing = performance.now();
				const indexed = await postgresEngine.rebuild(db);
				ctx.log(
					`search index built before the app starts: ${JSON.stringify(indexed)} in ` +
						`${((performance.now() - indexing) / 1000).toFixed(1)} s`
				);

				// As the app asks for the reader's first page: their own department, and the departments
				// and people they follow read inside the same query.
				const sources: HomeFeedSources = {
					departmentIds: seeded.viewer.departmentIds.slice(0, 1),
					includeOrganisation: true,
					hiddenDepartmentIds: [],
					announcementDays: 7,
					followedBy: seeded.viewer.userId
				};
				// The first execution reads cold pages; the printed plan is the second, as the app sees it.
				await explainHomeFeed(db, sources, LIMIT);
				const plan = await explainHomeFeed(db, sources, LIMIT);
				const summary = summarisePlan(plan);
				ctx.log(
					`home feed query plan (${seeded.viewer.departmentIds.length} departments + organisation, limit ${LIMIT}):`
				);
				for (const line of plan) ctx.log(`  ${line}`);
				ctx.log(
					`plan uses an index: ${summary.usesIndexes ? 'yes' : 'NO'}; sequential scan of post: ` +
						`${summary.seqScanOfPost ? 'YES' : 'no'}; execution ${summary.executionMs ?? '?'} ms`
				);

				const app = await ctx.startApp({
					env: { DATABASE_URL: url, REALTIME_ADAPTER: 'memory' }
				});
				const cookie = await signInCookie(app, DEFAULT_VIEWER);
				const baseline = await ctx.measure(app, {
					name: 'baseline',
					path: '/baseline',
					baseline: true,
					connections: CONNECTIONS
				});
				const feed = await ctx.measure(app, {
					name: 'home feed',
					path: '/feed',
					headers: { cookie },
					connections: CONNECTIONS
				});
				// The same page of posts as JSON: separates the queries from the rendering.
				const api = await ctx.measure(app, {
					name: 'feed JSON',
					path: '/api/v1/feed',
					headers: { cookie },
					connections: CONNECTIONS
				});
				const p95 = feed.measurement.latencyMs.p95;
				ctx.log(
					`home feed p50 ${feed.measurement.latencyMs.p50} ms, p95 ${p95} ms, ` +
						`p99 ${feed.measurement.latencyMs.p99} ms (target: p95 under ${TARGET_P95_MS} ms: ` +
						`${p95 < TARGET_P95_MS ? 'met' : 'NOT met'})`
				);
				await app.stop();
				return [
					baseline,
					{
						...feed,
						targetP95Ms: TARGET_P95_MS,
						targetMet: p95 < TARGET_P95_MS,
						dataset: {
							posts,
							departments: DEPARTMENTS,
							people: PEOPLE,
							followedDepartments: FOLLOWED,
							seedSeconds: seeded.seconds,
							seedSteps: seeded.steps,
							counts: seeded.counts
						},
						plan,
						...summary
					},
					api
				] as Row[];
			} finally {
				await db.destroy();
			}
		} finally {
			await server.stop();
		}
	}
};

export default scenario;
