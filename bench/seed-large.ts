/**
 * A large organisation's whole working history, on top of the demo organisation:
 *
 *   npm run seed:large -- --people 20000 --departments 300 --posts 1000000 --messages 2000000 \
 *     --pages 50000 --memos 500 [--seed 42] [--password …] [--data-dir .data-large] [--fresh]
 *
 * It composes the existing seeders: bench/seed-feed.ts writes the departments (a tree, sizes in
 * proportion to 1/k), the people, the posts with their comments, reactions and follows; then
 * bench/large/ adds sign-in passwords (one Argon2id hash, reused), managers, threads with their
 * messages (a few very busy threads), knowledge pages (trees per space, long and short, with
 * revisions and links), memos published through the app's services (10 to 20,000 recipients,
 * acknowledgements with their audit trail), and finally the search index built by the app's own
 * indexers. Every bulk step is an `INSERT … SELECT` run by PostgreSQL; every choice hashes the
 * row number with the seed, so a seed writes the same rows (times are relative to now).
 *
 * Without DATABASE_URL it seeds an embedded PostgreSQL under `<data-dir>/postgres` (default
 * `.data-large`, kept afterwards), which the app then serves with `DATA_DIR=<data-dir> npm start`
 * and the `day` benchmark reuses with `BENCH_DAY_DATA_DIR=<data-dir>`. With DATABASE_URL it
 * seeds that database (migrated and demo-seeded first if empty; refused if it has bench rows).
 */
import { sql } from 'kysely';
import type { Database } from '../src/lib/server/db/index.ts';
import { appointManagers, setPasswords } from './large/people.ts';
import { publishMemos, seedMemoAcknowledgements } from './large/memos.ts';
import { seedPages } from './large/pages.ts';
import { rebuildSearchIndex } from './large/search.ts';
import { createTextTables, dropTextTables } from './large/text.ts';
import { seedMessages, seedThreads } from './large/threads.ts';
import { DEFAULT_VIEWER, onSeededConnection, seedFeed } from './seed-feed.ts';

export type LargeSeedOptions = {
	people: number;
	departments: number;
	posts: number;
	messages: number;
	pages: number;
	memos: number;
	seed: number;
	/** Every bench person's password (12+ characters). */
	password: string;
};

export type LargeSeedResult = {
	seconds: number;
	steps: { step: string; seconds: number }[];
	counts: Record<string, number>;
	viewer: { userId: number; departmentIds: number[] };
};

export const LARGE_DEFAULTS: Omit<LargeSeedOptions, 'password'> = {
	people: 20_000,
	departments: 300,
	posts: 1_000_000,
	messages: 2_000_000,
	pages: 50_000,
	memos: 500,
	seed: 42
};

const COUNTED_TABLES = [
	'department',
	'users',
	'post',
	'post_comment',
	'post_reaction',
	'thread',
	'thread_message',
	'thread_participant',
	'kb_page',
	'kb_page_revision',
	'kb_page_link',
	'memo',
	'memo_recipient',
	'memo_acknowledgement',
	'notification',
	'audit_event',
	'search_document'
];

/**
 * Seeds the large organisation into a migrated, demo-seeded database through `db` (a pool of at
 * least 2; the memo services also use it as the app's database, see `useDatabaseForTests`).
 * `log` gets one line per finished step. Throws when the database already has bench rows.
 */
export async function seedLarge(
	db: Database,
	options: LargeSeedOptions,
	log: (line: string) => void = () => {}
): Promise<LargeSeedResult> {
	for (const [name, value] of Object.entries(options))
		if (name !== 'password' && (!Number.isInteger(value) || (value as number) < 0))
			throw new Error(`seedLarge: --${name} must be a whole number`);
	if (options.password.length < 12)
		throw new Error('seedLarge: the password needs at least 12 characters');
	const started = performance.now();
	const steps: LargeSeedResult['steps'] = [];
	const record = (step: { step: string; seconds: number }) => {
		steps.push(step);
		log(`  ${step.step}: ${step.seconds.toFixed(1)} s`);
	};
	const timed = async <T>(step: string, work: () => Promise<T>): Promise<T> => {
		const t = performance.now();
		const result = await work();
		record({ step, seconds: Math.round(performance.now() - t) / 1000 });
		return result;
	};

	await timed('text pool', () => createTextTables(db, options.seed));
	const feed = await seedFeed(db, {
		posts: options.posts,
		departments: options.departments,
		people: options.people,
		seed: options.seed,
		viewer: DEFAULT_VIEWER,
		onStep: (step) => record({ step: `feed: ${step.step}`, seconds: step.seconds })
	});
	await timed('passwords (one hash)', () => setPasswords(db, options.password));
	await timed('managers', () => appointManagers(db));

	const threadBase = await timed('threads', () =>
		onSeededConnection(db, options.seed, (conn) => seedThreads(conn, options.messages))
	);
	// Messages and pages touch different tables: one connection each, in parallel.
	await Promise.all([
		timed(`messages (${options.messages.toLocaleString('en')})`, () =>
			onSeededConnection(db, options.seed, (conn) =>
				seedMessages(conn, threadBase, options.messages)
			)
		),
		timed(`pages (${options.pages.toLocaleString('en')})`, () =>
			onSeededConnection(db, options.seed, (conn) => seedPages(conn, options.pages, options.seed))
		)
	]);
	const memoIds = await timed(`memos (${options.memos}, through the services)`, () =>
		publishMemos(db, options.memos, options.seed)
	);
	await timed('memo acknowledgements', () => seedMemoAcknowledgements(db, memoIds, options.seed));
	await timed('vacuum analyze before indexing', () => sql`vacuum analyze`.execute(db));
	await rebuildSearchIndex(db, timed);
	await timed('drop the text pool', () => dropTextTables(db));
	await timed('vacuum analyze', () => sql`vacuum analyze`.execute(db));

	const counts: Record<string, number> = {};
	for (const table of COUNTED_TABLES) {
		const { rows } = await sql<{ n: number }>`
			select count(*)::int as n from ${sql.table(table)}
		`.execute(db);
		counts[table] = rows[0]!.n;
	}
	return {
		seconds: Math.round(performance.now() - started) / 1000,
		steps,
		counts,
		viewer: feed.viewer
	};
}

export function describeCounts(counts: Record<string, number>): string {
	return Object.entries(counts)
		.map(([table, n]) => `${table} ${n.toLocaleString('en')}`)
		.join(', ');
}

if (import.meta.main) {
	const { parseArgs } = await import('node:util');
	const fs = await import('node:fs');
	const path = await import('node:path');
	const { values } = parseArgs({
		options: {
			people: { type: 'string' },
			departments: { type: 'string' },
			posts: { type: 'string' },
			messages: { type: 'string' },
			pages: { type: 'string' },
			memos: { type: 'string' },
			seed: { type: 'string' },
			password: { type: 'string' },
			'data-dir': { type: 'string', default: '.data-large' },
			fresh: { type: 'boolean', default: false }
		}
	});
	const number = (name: keyof typeof LARGE_DEFAULTS) =>
		values[name] === undefined ? LARGE_DEFAULTS[name] : Number(values[name]);
	const password = values.password ?? process.env.DEMO_PASSWORD ?? 'bench-password-123';
	const options: LargeSeedOptions = {
		people: number('people'),
		departments: number('departments'),
		posts: number('posts'),
		messages: number('messages'),
		pages: number('pages'),
		memos: number('memos'),
		seed: number('seed'),
		password
	};
	const { createDb, useDatabaseForTests } = await import('../src/lib/server/db/index.ts');
	const { ensureDatabase, startEmbeddedPostgres } =
		await import('../src/lib/server/db/embedded.ts');
	const { migrateToLatest } = await import('../src/lib/server/db/migrate.ts');
	const { seedDemoOrganisation } = await import('../src/lib/server/demo/seed.ts');

	let url = process.env.DATABASE_URL;
	let stopServer = async () => {};
	const dataDir = path.resolve(values['data-dir']);
	if (!url) {
		const pgDir = path.join(dataDir, 'postgres');
		if (values.fresh) fs.rmSync(dataDir, { recursive: true, force: true });
		else if (fs.existsSync(pgDir)) {
			console.error(
				`${pgDir} already holds a database; pass --fresh to replace it, or --data-dir for another.`
			);
			process.exit(1);
		}
		fs.mkdirSync(dataDir, { recursive: true, mode: 0o755 });
		fs.chmodSync(dataDir, 0o755);
		// Durability off while loading (a crash means seeding again); the app starts it normally.
		const server = await startEmbeddedPostgres({ dir: pgDir, fast: true });
		stopServer = () => server.stop();
		await ensureDatabase(server.urlFor('postgres'), 'commons');
		url = server.urlFor('commons');
	}
	const db = createDb(url, 4);
	useDatabaseForTests(db, url);
	try {
		console.log(
			`Seeding a large organisation (${Object.entries(options)
				.filter(([k]) => k !== 'password')
				.map(([k, v]) => `${k} ${v.toLocaleString('en')}`)
				.join(', ')})…`
		);
		await migrateToLatest(db);
		const demo = await seedDemoOrganisation(db, password);
		if (demo) console.log('  demo organisation seeded');
		const result = await seedLarge(db, options, (line) => console.log(line));
		console.log(`Seeded in ${result.seconds.toFixed(1)} s.`);
		console.log(`Rows: ${describeCounts(result.counts)}`);
		console.log(
			`Everyone signs in with the password ${JSON.stringify(password)}: the demo accounts ` +
				`(e.g. ${DEFAULT_VIEWER}) and bench-person-1@bench.commons.test … ` +
				`bench-person-${options.people}@bench.commons.test.`
		);
		if (!process.env.DATABASE_URL)
			console.log(
				`Serve it with DATA_DIR=${values['data-dir']} npm start, or measure it with ` +
					`BENCH_DAY_DATA_DIR=${values['data-dir']} npm run bench -- --scenario day.`
			);
	} finally {
		await db.destroy();
		// Connections of the services' own pools end with the server: that is expected here.
		const { markShuttingDown } = await import('../src/lib/server/lifecycle.ts');
		markShuttingDown();
		await stopServer();
	}
}
