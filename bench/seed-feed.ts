/**
 * A large organisation's feed, written by PostgreSQL itself in a handful of set-based statements
 * (`INSERT ... SELECT generate_series`), on top of the demo organisation:
 *
 * - `departments` departments `bench-1` … `bench-N`, a tree under the root (department k hangs
 *   under an earlier one, so low numbers are the big divisions), about 3% of the small ones
 *   members-only;
 * - `people` people (`bench-person-<i>@bench.commons.test`, no password: nobody signs in as them)
 *   spread over the departments with sizes in proportion to 1/k, at least one each;
 * - `posts` posts over two years (ids ascend with time, as in a real table), department k getting
 *   posts in proportion to 1/k (a few busy departments, a long tail), about 5% organisation-wide
 *   (a few of those announcements), short and long bodies by a member of the department, some
 *   edited, some deleted, and one pinned post in every tenth department;
 * - comments and reactions on the last month's posts, a few department and person follows per
 *   person, and the viewer (a demo account, who signs in with the demo password) following the
 *   `follows` busiest departments.
 *
 * Every "random" choice hashes the row's series index with the seed (`hashint8extended`), so the
 * same seed writes the same rows whatever plan PostgreSQL picks. Times are relative to now.
 *
 * As a script, on a database of your own (migrated and demo-seeded first if it is empty):
 *   DATABASE_URL=postgres://… node bench/seed-feed.ts --posts 1000000 --departments 300 --people 5000
 */
import { sql, type RawBuilder } from 'kysely';
import type { Database } from '../src/lib/server/db/index.ts';

export type FeedSeedOptions = {
	posts: number;
	departments: number;
	people: number;
	seed: number;
	/** The account whose home feed is measured; it must exist (the demo seed's staff member). */
	viewer?: string;
	/** How many of the busiest bench departments the viewer follows (default 20). */
	follows?: number;
	/** Called as each step ends (the large-organisation seeder prints them as they come). */
	onStep?: (step: { step: string; seconds: number }) => void;
};

export type FeedSeedResult = {
	seconds: number;
	/** Seconds per step, in order. */
	steps: { step: string; seconds: number }[];
	/** Rows per table after seeding (bench rows and the demo's). */
	counts: Record<string, number>;
	viewer: { userId: number; departmentIds: number[] };
};

export const DEFAULT_VIEWER = 'hannah.fischer@commons.test';

const FIRST_NAMES = [
	'Ada',
	'Ben',
	'Chloé',
	'Dev',
	'Elif',
	'Farah',
	'Gus',
	'Hana',
	'Ivan',
	'Jia',
	'Kofi',
	'Lena',
	'Mateo',
	'Nia',
	'Oskar',
	'Priya',
	'Quinn',
	'Rosa',
	'Sami',
	'Tess',
	'Umar',
	'Vera',
	'Wen',
	'Yara'
];
const LAST_NAMES = [
	'Adeyemi',
	'Berg',
	'Costa',
	'Dubois',
	'Eriksen',
	'Fischer',
	'García',
	'Haddad',
	'Ito',
	'Jansen',
	'Kowalski',
	'Lund',
	'Moreau',
	'Novak',
	"O'Brien",
	'Patel',
	'Quist',
	'Rossi',
	'Silva',
	'Tanaka'
];
const TITLES = ['Officer', 'Adviser', 'Analyst', 'Coordinator', 'Specialist', 'Lead', 'Manager'];
const UNIT_WORDS = [
	'Planning',
	'Delivery',
	'Research',
	'Licensing',
	'Grants',
	'Data',
	'Facilities',
	'Outreach',
	'Standards',
	'Records',
	'Payments',
	'Training',
	'Assurance',
	'Partnerships',
	'Fleet',
	'Policy'
];
// Some carry characters that must be escaped in body_html (& < > ").
const SENTENCES = [
	'Quick update from the team on where things stand this week.',
	'We shipped the new intake form; thanks to everyone who tested it.',
	'Reminder: the Q&A session moves to Thursday at 14:00.',
	'The R&D budget review is done and the numbers are in the shared folder.',
	'Response times are down to <2 days for most requests.',
	'Please read the "working with suppliers" guide before the next round.',
	'We are hiring two analysts; referrals welcome.',
	'The office on level 3 is closed for maintenance on Monday.',
	'Our quarterly plan is published, with the next steps for each workstream.',
	'Welcome to the three people who joined us this month.',
	'Lessons learned from the pilot: start small, measure early, write things down.',
	'The consultation closes on Friday; 412 responses so far.',
	'If you use the old reporting tool, it retires at the end of the month.',
	'Coffee and cake in the kitchen at 15:30 to celebrate the launch.',
	'Draft guidance is open for comments until the 20th.',
	'Thanks to the on-call team for a calm weekend.'
];

const sqlTextArray = (values: string[]): RawBuilder<unknown> =>
	sql.raw(`array[${values.map((v) => `'${v.replaceAll("'", "''")}'`).join(', ')}]::text[]`);

/** Posts are written by this many connections at once (the pool must allow as many). */
const PARALLEL = 2;

/**
 * Runs `fn` on one connection of the pool that has the two seeded "random" functions:
 * `pg_temp.bench_r(i, k)`, a number in [0, 1) for row i and purpose k, fixed by the seed (a hash,
 * so it does not depend on the order PostgreSQL evaluates rows in), and `pg_temp.bench_zipf(r, n)`,
 * an ordinal 1..n with probability in proportion to 1/k (n^r is log-uniform).
 */
export async function onSeededConnection<T>(
	db: Database,
	seed: number,
	fn: (conn: Database) => Promise<T>
): Promise<T> {
	return db.connection().execute(async (conn) => {
		const salt = sql.lit(String(BigInt(seed) * 1000n));
		await sql`
			create or replace function pg_temp.bench_r(i bigint, k bigint) returns float8
			language sql immutable parallel safe
			as $$ select (hashint8extended(i, ${salt}::bigint + k)
				& 4503599627370495)::float8 / 4503599627370496 $$
		`.execute(conn);
		await sql`
			create or replace function pg_temp.bench_zipf(r float8, n int) returns int
			language sql immutable parallel safe
			as $$ select least(floor(n ^ r)::int, n) $$
		`.execute(conn);
		// A bulk load: no need to wait for each commit to reach the disk.
		await sql`set synchronous_commit = off`.execute(conn);
		try {
			return await fn(conn);
		} finally {
			// The connection goes back to the pool: leave it as it was (it may be gone after an error).
			await sql`drop function if exists pg_temp.bench_r(bigint, bigint)`
				.execute(conn)
				.catch(() => undefined);
			await sql`drop function if exists pg_temp.bench_zipf(float8, int)`
				.execute(conn)
				.catch(() => undefined);
			await sql`reset synchronous_commit`.execute(conn).catch(() => undefined);
		}
	});
}

/**
 * Writes the bench departments, people, posts, comments, reactions and follows into a migrated,
 * demo-seeded database, and makes the viewer follow the busiest departments. Uses up to
 * PARALLEL (2) connections of `db`'s pool at once. Throws when the database already holds bench
 * rows.
 */
export async function seedFeed(db: Database, options: FeedSeedOptions): Promise<FeedSeedResult> {
	const { posts, departments, people, seed } = options;
	for (const [name, value] of Object.entries({ posts, departments, people, seed }))
		if (!Number.isInteger(value) || value < 0)
			throw new Error(`seedFeed: ${name} must be a whole number`);
	if (departments < 1 || people < departments)
		throw new Error(
			'seedFeed: needs at least one department and at least one person per department'
		);
	const viewerEmail = options.viewer ?? DEFAULT_VIEWER;
	const follows = Math.min(options.follows ?? 20, departments);
	const started = performance.now();
	const steps: FeedSeedResult['steps'] = [];
	const timed = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
		const t = performance.now();
		const result = await work();
		const done = { step: name, seconds: Math.round(performance.now() - t) / 1000 };
		steps.push(done);
		options.onStep?.(done);
		return result;
	};

	// Departments and people.
	const base = await onSeededConnection(db, seed, async (conn) => {
		const step = (name: string, query: RawBuilder<unknown>) =>
			timed(name, () => query.execute(conn));
		const existing = await sql`select 1 from department where slug = 'bench-1'`.execute(conn);
		if (existing.rows.length) throw new Error('seedFeed: this database already has bench rows');
		const root = await sql<{ id: number }>`
			select id from department where parent_id is null order by id limit 1
		`.execute(conn);
		if (!root.rows[0])
			throw new Error('seedFeed: no root department (seed the demo organisation first)');
		const rootId = root.rows[0].id;

		await step(
			'departments',
			sql`
				insert into department (slug, name, description, parent_id, visibility)
				select 'bench-' || k,
					(${sqlTextArray(UNIT_WORDS)})[1 + floor(pg_temp.bench_r(k, 1) * ${UNIT_WORDS.length})::int]
						|| ' ' || k,
					'A department of the feed benchmark',
					${rootId},
					case when k > 50 and pg_temp.bench_r(k, 2) < 0.03 then 'members-only' else 'organisation' end
				from generate_series(1, ${departments}) k
				order by k
			`
		);
		// The tree: the first eight are divisions under the root; department k hangs under one of
		// the first max(8, k/5), so the busy low numbers are near the top and it is 4-5 levels deep.
		await step(
			'department tree',
			sql`
				with d as (
					select row_number() over (order by id) as k, id from department where slug like 'bench-%'
				), ids as (select array_agg(id order by k) as ids from d)
				update department t set parent_id = ids.ids[
						1 + floor(pg_temp.bench_r(d.k, 3) * greatest(8, d.k / 5))::int]
				from d, ids
				where t.id = d.id and d.k > 8
			`
		);
		await step(
			'people',
			sql`
				with ids as (
					select array_agg(id order by id) as ids from department where slug like 'bench-%'
				)
				insert into users (email, name, title, department_id, created_at)
				select 'bench-person-' || i || '@bench.commons.test',
					(${sqlTextArray(FIRST_NAMES)})[1 + floor(pg_temp.bench_r(i, 11) * ${FIRST_NAMES.length})::int]
						|| ' ' || (${sqlTextArray(LAST_NAMES)})[1 + floor(pg_temp.bench_r(i, 12) * ${LAST_NAMES.length})::int],
					(${sqlTextArray(TITLES)})[1 + floor(pg_temp.bench_r(i, 13) * ${TITLES.length})::int],
					ids.ids[case when i <= ${departments} then i
						else pg_temp.bench_zipf(pg_temp.bench_r(i, 14), ${departments}) end],
					now() - interval '3 years'
				from generate_series(1, ${people}) i cross join ids
				order by i
			`
		);

		// Posts get explicit ids after the existing ones (base + row number): the same ids
		// whichever connection writes them first.
		const { rows } = await sql<{ id: number }>`select coalesce(max(id), 0) as id from post`.execute(
			conn
		);
		return Number(rows[0]!.id);
	});

	// Posts, in PARALLEL ranges of the series on as many connections: the app's tables have
	// indexes and foreign keys to maintain, and one backend would use one core. The department's
	// members sit in one array, ordered by department, so "a member of department k" is
	// members[first[k] + r * count[k]]: array lookups, no join per row.
	await timed('posts', () =>
		Promise.all(
			Array.from({ length: PARALLEL }, (_, part) => {
				const from = Math.floor((posts * part) / PARALLEL) + 1;
				const to = Math.floor((posts * (part + 1)) / PARALLEL);
				if (from > to) return Promise.resolve();
				return onSeededConnection(db, seed, (conn) =>
					sql`
						with d as (
							select row_number() over (order by id) as k, id from department where slug like 'bench-%'
						), m as (
							select d.k, u.id, row_number() over (order by d.k, u.id) as pos
							from users u join d on d.id = u.department_id
							where u.email like 'bench-person-%'
						), s as (select k, min(pos) as first, count(*) as n from m group by k),
						a as (
							select (select array_agg(id order by k) from d) as dept_ids,
								(select array_agg(id order by pos) from m) as members,
								(select array_agg(first order by k) from s) as firsts,
								(select array_agg(n order by k) from s) as counts,
								now() - interval '730 days' as start_at,
								${SENTENCES.length}::int as n_sentences,
								${sqlTextArray(SENTENCES)} as sentences,
								-- Escaped once per sentence here, not once per post (most of the time it took).
								(select array_agg(
									replace(replace(replace(replace(t, '&', '&amp;'), '<', '&lt;'), '>', '&gt;'), '"', '&quot;')
									order by i)
								from unnest(${sqlTextArray(SENTENCES)}) with ordinality as u(t, i)) as sentences_html
						)
						insert into post (id, author_id, department_id, body_source, body_html, is_announcement,
							comment_count, created_at, edited_at, deleted_at, deleted_by)
						overriding system value
						select ${base}::bigint + x.g, x.author_id, x.department_id,
							'#' || x.g || ' ' || array_to_string(x.sentences[x.lo:x.hi], E'\n\n'),
							'<p>#' || x.g || ' ' || array_to_string(x.sentences_html[x.lo:x.hi], E'</p>\n<p>') || '</p>',
							x.department_id is null and pg_temp.bench_r(x.g, 27) < 0.004,
							case when x.created_at > now() - interval '30 days'
								then floor(pg_temp.bench_r(x.g, 28) ^ 2 * 6)::int else 0 end,
							x.created_at,
							case when pg_temp.bench_r(x.g, 29) < 0.03 then x.created_at + interval '2 hours' end,
							case when pg_temp.bench_r(x.g, 30) < 0.005 then x.created_at + interval '1 hour' end,
							case when pg_temp.bench_r(x.g, 30) < 0.005 then x.author_id end
						from (
							select g, dk.k,
								a.dept_ids[dk.k] as department_id,
								case when dk.k is null
									then a.members[1 + floor(pg_temp.bench_r(g, 22) * ${people})::int]
									else a.members[a.firsts[dk.k] + floor(pg_temp.bench_r(g, 22) * a.counts[dk.k])::int]
								end as author_id,
								a.start_at + (g - 1 + pg_temp.bench_r(g, 23)) / ${posts}::float8 * interval '730 days'
									as created_at,
								a.sentences, a.sentences_html, body.lo,
								-- 60% one sentence, the rest from there to the last one (up to 16 paragraphs)
								case when pg_temp.bench_r(g, 24) < 0.6 then body.lo else a.n_sentences end as hi
							from generate_series(${from}::int, ${to}::int) g
							cross join a
							cross join lateral (
								select case when pg_temp.bench_r(g, 21) < 0.05 then null
									else pg_temp.bench_zipf(pg_temp.bench_r(g, 20), ${departments}) end as k
							) dk
							cross join lateral (
								select 1 + floor(pg_temp.bench_r(g, 25) * a.n_sentences)::int as lo
							) body
						) x
					`.execute(conn)
				);
			})
		)
	);

	// Ids ascend with time: the last month's posts are the ids above this one.
	const recentId = base + Math.floor(posts * (1 - 31 / 730));
	const viewer = await onSeededConnection(db, seed, async (conn) => {
		const step = (name: string, query: RawBuilder<unknown>) =>
			timed(name, () => query.execute(conn));
		await sql`
			select setval(pg_get_serial_sequence('post', 'id'), (select max(id) from post))
		`.execute(conn);
		// One pinned post (the sixth newest) in every tenth department.
		await step(
			'pins',
			sql`
				with d as (
					select row_number() over (order by id) as k, id from department where slug like 'bench-%'
				)
				update post p set pinned_at = p.created_at + interval '1 hour', pinned_by = p.author_id
				from d cross join lateral (
					select id from post q
					where q.department_id = d.id and q.deleted_at is null
					order by q.created_at desc, q.id desc offset 5 limit 1
				) six
				where d.k % 10 = 3 and p.id = six.id
			`
		);
		await step(
			'comments',
			sql`
				with a as (
					select array_agg(id order by id) as ids, count(*)::int as n from users
					where email like 'bench-person-%'
				)
				insert into post_comment (post_id, author_id, body_source, body_html, created_at)
				select p.id, a.ids[1 + floor(pg_temp.bench_r(p.id * 8 + c, 31) * a.n)::int],
					'Thanks, noted (' || c || ').', '<p>Thanks, noted (' || c || ').</p>',
					p.created_at + c * interval '20 minutes'
				from post p cross join a cross join lateral generate_series(1, p.comment_count) c
				where p.id > ${recentId} and p.comment_count > 0
				order by p.id, c
			`
		);
		await step(
			'reactions',
			sql`
				with a as (
					select array_agg(id order by id) as ids, count(*)::int as n from users
					where email like 'bench-person-%'
				)
				insert into post_reaction (post_id, user_id, kind, created_at)
				select p.id, a.ids[1 + floor(pg_temp.bench_r(p.id * 16 + r, 32) * a.n)::int],
					(array['like', 'celebrate', 'support', 'insightful', 'curious'])[
						1 + floor(pg_temp.bench_r(p.id * 16 + r, 33) ^ 2 * 5)::int],
					p.created_at + r * interval '5 minutes'
				from post p cross join a
				cross join lateral generate_series(1, floor(pg_temp.bench_r(p.id, 34) ^ 2 * 12)::int) r
				where p.id > ${recentId} and p.created_at > now() - interval '30 days' and p.deleted_at is null
				order by p.id, r
				on conflict do nothing
			`
		);
		await step(
			'follows',
			sql`
				with d as (select array_agg(id order by id) as ids from department where slug like 'bench-%'),
				u as (
					select row_number() over (order by id) as i, id from users where email like 'bench-person-%'
				), everyone as (select array_agg(id order by i) as ids from u)
				insert into department_follow (user_id, department_id)
				select u.id, d.ids[pg_temp.bench_zipf(pg_temp.bench_r(u.i * 8 + f, 41), ${departments})]
				from u cross join d
				cross join lateral generate_series(1, floor(pg_temp.bench_r(u.i, 42) * 5)::int) f
				order by u.i, f
				on conflict do nothing
			`
		);
		await step(
			'person follows',
			sql`
				with u as (
					select row_number() over (order by id) as i, id from users where email like 'bench-person-%'
				), everyone as (select array_agg(id order by i) as ids, count(*)::int as n from u)
				insert into person_follow (follower_id, followee_id)
				select u.id, e.ids[1 + floor(pg_temp.bench_r(u.i * 8 + f, 43) * e.n)::int]
				from u cross join everyone e
				cross join lateral generate_series(1, floor(pg_temp.bench_r(u.i, 44) * 4)::int) f
				where u.id <> e.ids[1 + floor(pg_temp.bench_r(u.i * 8 + f, 43) * e.n)::int]
				order by u.i, f
				on conflict do nothing
			`
		);
		return timed('viewer follows', () => followBusiestDepartments(conn, viewerEmail, follows));
	});
	await onSeededConnection(db, seed, async (conn) => {
		// Hint bits, the visibility map and statistics, as autovacuum would leave a real database.
		await timed('vacuum analyze', () =>
			sql`vacuum (analyze) post, post_comment, post_reaction`.execute(conn)
		);
		await timed('analyze', () => sql`analyze`.execute(conn));
	});

	const counts: Record<string, number> = {};
	for (const table of [
		'department',
		'users',
		'post',
		'post_comment',
		'post_reaction',
		'department_follow',
		'person_follow'
	]) {
		const { rows } = await sql<{
			n: number;
		}>`select count(*)::int as n from ${sql.table(table)}`.execute(db);
		counts[table] = rows[0]!.n;
	}
	return { seconds: Math.round(performance.now() - started) / 1000, steps, counts, viewer };
}

/**
 * Makes `email` follow the `count` busiest bench departments (bench-1 … bench-count: a heavy but
 * real home feed) and returns the departments of their home feed: their own, then the followed.
 */
export async function followBusiestDepartments(db: Database, email: string, count: number) {
	const person = await db
		.selectFrom('users')
		.where('email', '=', email)
		.select(['id', 'departmentId'])
		.executeTakeFirstOrThrow(() => new Error(`seedFeed: no account ${email}`));
	await sql`
		insert into department_follow (user_id, department_id)
		select ${person.id}, id from department where slug like 'bench-%' order by id limit ${count}
		on conflict do nothing
	`.execute(db);
	const followed = await db
		.selectFrom('departmentFollow')
		.where('userId', '=', person.id)
		.select('departmentId')
		.orderBy('departmentId')
		.execute();
	return {
		userId: person.id,
		departmentIds: [...new Set([person.departmentId, ...followed.map((f) => f.departmentId)])]
	};
}

/** One line per step and the row counts, for the script and the scenario's log. */
export function describeSeed(result: FeedSeedResult): string[] {
	return [
		`seeded in ${result.seconds.toFixed(1)} s (` +
			result.steps.map((s) => `${s.step} ${s.seconds.toFixed(1)} s`).join(', ') +
			')',
		'rows: ' +
			Object.entries(result.counts)
				.map(([table, n]) => `${table} ${n.toLocaleString('en')}`)
				.join(', ')
	];
}

if (import.meta.main) {
	const { parseArgs } = await import('node:util');
	const { values } = parseArgs({
		options: {
			posts: { type: 'string', default: '1000000' },
			departments: { type: 'string', default: '300' },
			people: { type: 'string', default: '5000' },
			seed: { type: 'string', default: '42' },
			viewer: { type: 'string', default: DEFAULT_VIEWER },
			follows: { type: 'string', default: '20' }
		}
	});
	if (!process.env.DATABASE_URL) {
		console.error(
			'Set DATABASE_URL to the database to seed (it is migrated and demo-seeded first if empty).'
		);
		process.exit(1);
	}
	const { createDb } = await import('../src/lib/server/db/index.ts');
	const { migrateToLatest } = await import('../src/lib/server/db/migrate.ts');
	const { seedDemoOrganisation } = await import('../src/lib/server/demo/seed.ts');
	const db = createDb(process.env.DATABASE_URL, 2);
	try {
		await migrateToLatest(db);
		const demo = await seedDemoOrganisation(db, process.env.DEMO_PASSWORD);
		if (demo?.generated) console.log(`Demo organisation seeded; its password: ${demo.password}`);
		const result = await seedFeed(db, {
			posts: Number(values.posts),
			departments: Number(values.departments),
			people: Number(values.people),
			seed: Number(values.seed),
			viewer: values.viewer,
			follows: Number(values.follows)
		});
		for (const line of describeSeed(result)) console.log(line);
	} finally {
		await db.destroy();
	}
}
