/**
 * The home feed at scale: a database with BENCH_FEED_POSTS posts (default 1,000,000) in 300 extra
 * departments, bulk-written by bench/seed-feed.ts, and a reader who follows 20 of the busiest.
 * Server-side rendering of /feed as that reader at 25 connections, next to the bare /baseline
 * page in the same run; the target is p95 under 100 ms. The plan PostgreSQL chooses for the
 * feed query is printed (EXPLAIN ANALYZE) and kept in the results: it must use the feed indexes,
 * never a sequential scan of post.
 *
 * The database is a PostgreSQL server of the scenario's own (embedded, in a temporary folder),
 * seeded before the app starts and handed to it as DATABASE_URL.
 */
import { createDb } from '../../src/lib/server/db/index.ts';
import { ensureDatabase } from '../../src/lib/server/db/embedded.ts';
import { migrateToLatest } from '../../src/lib/server/db/migrate.ts';
import { startScratchPostgres } from '../../src/lib/server/db/scratch.ts';
import { seedDemoOrganisation } from '../../src/lib/server/demo/seed.ts';
import { explainHomeFeed } from '../../src/lib/server/feeds/feed.repository.ts';
import { DEMO_PASSWORD } from '../lib/app.ts';
import { signInCookie } from '../lib/session.ts';
import type { Row, Scenario } from '../lib/types.ts';
import { followBusiestDepartments, seedFeed } from '../seed-feed.ts';

const READER = 'hannah.fischer@commons.test';
const CONNECTIONS = 25;
const FOLLOWED = 20;

const scenario: Scenario = {
	name: 'feed-home',
	description: `SSR of /feed for a reader following ${FOLLOWED} departments among 1M posts, next to /baseline`,
	async run(ctx) {
		const posts = Number(process.env.BENCH_FEED_POSTS ?? 1_000_000);
		const server = await startScratchPostgres();
		try {
			await ensureDatabase(server.urlFor('postgres'), 'commons');
			const url = server.urlFor('commons');
			const db = createDb(url, 2);
			try {
				await migrateToLatest(db);
				await seedDemoOrganisation(db, DEMO_PASSWORD);
				ctx.log(`seeding ${posts.toLocaleString('en')} posts…`);
				const seeded = await seedFeed(db, { posts, departments: 300, seed: 42 });
				ctx.log(`seeded in ${seeded.seconds} s`);
				const reader = await followBusiestDepartments(db, READER, FOLLOWED);
				const plan = await explainHomeFeed(
					db,
					{
						departmentIds: reader.departmentIds,
						personIds: [],
						includeOrganisation: true,
						hiddenDepartmentIds: [],
						announcementsSince: new Date(Date.now() - 7 * 86_400_000)
					},
					21
				);
				const usesIndexes = plan.some((l) => /Index (Only )?Scan/.test(l));
				const seqScanOfPost = plan.some((l) => /Seq Scan on post\b/.test(l));
				ctx.log(`home feed query plan (${reader.departmentIds.length} departments):`);
				for (const line of plan) ctx.log(`  ${line}`);
				ctx.log(
					`plan uses indexes: ${usesIndexes ? 'yes' : 'NO'}; sequential scan of post: ${seqScanOfPost ? 'YES' : 'no'}`
				);

				const app = await ctx.startApp({
					env: { DATABASE_URL: url, REALTIME_ADAPTER: 'memory' }
				});
				const cookie = await signInCookie(app, READER);
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
				ctx.log(`home feed p95 ${p95} ms (target under 100 ms): ${p95 < 100 ? 'met' : 'NOT met'}`);
				await app.stop();
				return [
					baseline,
					{ ...feed, posts, followedDepartments: FOLLOWED, usesIndexes, seqScanOfPost, plan },
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
