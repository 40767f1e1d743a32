/**
 * A large organisation's feed, bulk-written by PostgreSQL itself: `departments` extra departments
 * under the root (sizes skewed: a few busy ones), and `posts` posts spread over two years by the
 * demo organisation's people, about 5% organisation-wide, short and long bodies. One
 * INSERT ... SELECT generate_series per table, deterministic for a given seed.
 *
 * As a script: node bench/seed-feed.ts --posts 1000000 --departments 300 (DATABASE_URL required,
 * already migrated and seeded with the demo organisation).
 */
import { sql } from 'kysely';
import type { Database } from '../src/lib/server/db/index.ts';

export type FeedSeedOptions = { posts: number; departments: number; seed: number };

export async function seedFeed(db: Database, options: FeedSeedOptions) {
	const started = performance.now();
	await db.connection().execute(async (conn) => {
		// One process writes every row, so setseed() makes random() repeat from run to run.
		await sql`set max_parallel_workers_per_gather = 0`.execute(conn);
		await sql`select setseed(${(options.seed % 1000) / 1000})`.execute(conn);
		const root = await conn
			.selectFrom('department')
			.where('parentId', 'is', null)
			.select('id')
			.orderBy('id')
			.executeTakeFirstOrThrow();
		await sql`
			insert into department (slug, name, description, parent_id)
			select 'bench-' || g, 'Bench department ' || g, 'A department for the benchmark', ${root.id}
			from generate_series(1, ${options.departments}) g
		`.execute(conn);
		// Skewed: department k gets posts in proportion to 1/k (a few busy ones, a long tail).
		await sql`
			with departments as (
				select array_agg(id order by id) as ids from department where slug like 'bench-%'
			), authors as (
				select array_agg(id order by id) as ids from users where status = 'active'
			)
			insert into post (author_id, department_id, body_source, body_html, created_at)
			select
				authors.ids[1 + floor(random() * array_length(authors.ids, 1))::int],
				case when random() < 0.05 then null
					else departments.ids[1 + least(
						floor(array_length(departments.ids, 1) ^ random())::int - 1,
						array_length(departments.ids, 1) - 1)]
				end,
				body,
				'<p>' || body || '</p>',
				now() - (random() * interval '730 days')
			from generate_series(1, ${options.posts}) g
			cross join departments cross join authors
			cross join lateral (
				select 'Update ' || g || ': ' || repeat('progress on the quarterly plan and next steps ',
					1 + (random() * random() * 30)::int) as body
			) text
		`.execute(conn);
		await sql`analyze`.execute(conn);
	});
	return { seconds: Math.round((performance.now() - started) / 100) / 10 };
}

/** Makes `email` follow the `count` busiest bench departments (a heavy but real home feed). */
export async function followBusiestDepartments(db: Database, email: string, count: number) {
	const person = await db
		.selectFrom('users')
		.where('email', '=', email)
		.select(['id', 'departmentId'])
		.executeTakeFirstOrThrow();
	await sql`
		insert into department_follow (user_id, department_id)
		select ${person.id}, id from department where slug like 'bench-%' order by id limit ${count}
		on conflict do nothing
	`.execute(db);
	const followed = await db
		.selectFrom('departmentFollow')
		.where('userId', '=', person.id)
		.select('departmentId')
		.execute();
	return {
		userId: person.id,
		departmentIds: [person.departmentId, ...followed.map((f) => f.departmentId)]
	};
}

if (import.meta.main) {
	const { createDb } = await import('../src/lib/server/db/index.ts');
	const arg = (name: string, fallback: number) => {
		const i = process.argv.indexOf(`--${name}`);
		return i > 0 ? Number(process.argv[i + 1]) : fallback;
	};
	if (!process.env.DATABASE_URL)
		throw new Error('Set DATABASE_URL to a migrated, demo-seeded database.');
	const db = createDb(process.env.DATABASE_URL, 2);
	const result = await seedFeed(db, {
		posts: arg('posts', 1_000_000),
		departments: arg('departments', 300),
		seed: arg('seed', 42)
	});
	console.log(`Seeded in ${result.seconds} s`);
	await db.destroy();
}
