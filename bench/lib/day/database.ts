/**
 * The `day` benchmark's PostgreSQL: one embedded server holding the seeded organisation as the
 * database `commons`, which each measured configuration gets a fresh copy of
 * (`CREATE DATABASE … TEMPLATE commons`), so what one ramp writes never changes the next.
 *
 * - With `BENCH_DAY_DATA_DIR` (a folder `npm run seed:large` filled): its server, reused as it is.
 * - Otherwise a server in a temporary folder, seeded by bench/seed-large.ts at `BENCH_DAY_SIZE`
 *   (`large`, the default: the 20,000 people; `medium`; `small`; `tiny` for a smoke run), deleted
 *   at the end.
 *
 * It runs with durability on (as production does: a message is on disk before it is delivered)
 * and with pg_stat_statements and auto_explain loaded, so the report can name the statements that
 * took the database's time and show their plans (`EXPLAIN (ANALYZE, BUFFERS)` of sampled runs).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { createDb, useDatabaseForTests } from '../../../src/lib/server/db/index.ts';
import { ensureDatabase, startEmbeddedPostgres } from '../../../src/lib/server/db/embedded.ts';
import { migrateToLatest } from '../../../src/lib/server/db/migrate.ts';
import { seedDemoOrganisation } from '../../../src/lib/server/demo/seed.ts';
import {
	describeCounts,
	LARGE_DEFAULTS,
	seedLarge,
	type LargeSeedOptions
} from '../../seed-large.ts';
import { DEMO_PASSWORD } from '../app.ts';
import { PlanCollector } from './plans.ts';

export const SIZES: Record<string, Omit<LargeSeedOptions, 'password' | 'seed'>> = {
	large: LARGE_DEFAULTS,
	medium: {
		people: 20_000,
		departments: 300,
		posts: 200_000,
		messages: 400_000,
		pages: 10_000,
		memos: 100
	},
	small: {
		people: 3_000,
		departments: 60,
		posts: 30_000,
		messages: 60_000,
		pages: 2_000,
		memos: 30
	},
	/** Seeds in seconds: for checking the scenario works (CI-like smoke runs), not for numbers. */
	tiny: { people: 600, departments: 20, posts: 5_000, messages: 8_000, pages: 500, memos: 12 }
};

const TEMPLATE = 'commons';
/** A list setting: each library quoted on its own (one quoted string would be one name). */
const PRELOAD = "'pg_stat_statements', 'auto_explain'";

/** The share of statements auto_explain logs (BENCH_DAY_PLAN_SAMPLE, default 2%). */
function planSampleRate(): number {
	const rate = Number(process.env.BENCH_DAY_PLAN_SAMPLE ?? '0.02');
	if (!(rate >= 0 && rate <= 1)) throw new Error('BENCH_DAY_PLAN_SAMPLE must be between 0 and 1');
	return rate;
}

export type DayDatabase = {
	/** The cluster's folder (its postmaster.pid names the server, for CPU sampling). */
	dataDir: string;
	/** What is in it: where it came from and its row counts. */
	dataset: {
		source: string;
		size: string | null;
		seedSeconds: number | null;
		rows: Record<string, number>;
	};
	password: string;
	plans: PlanCollector;
	/** The seeded database itself: read it, but close every connection before `copy`. */
	templateUrl: string;
	/** A fresh copy of the seeded database, ready for the app; returns its URL. */
	copy(name: string): Promise<string>;
	drop(name: string): Promise<void>;
	/** Forgets the statistics gathered so far (the apps' start-up, say). */
	resetStatistics(url: string): Promise<void>;
	stop(): Promise<void>;
};

async function withDb<T>(
	url: string,
	run: (db: ReturnType<typeof createDb>) => Promise<T>
): Promise<T> {
	const db = createDb(url, 1);
	try {
		return await run(db);
	} finally {
		await db.destroy();
	}
}

/** Estimated row counts (the statistics): counting a few million rows would take a while. */
async function rowCounts(url: string): Promise<Record<string, number>> {
	return withDb(url, async (db) => {
		const { rows } = await sql<{ relname: string; n: number }>`
			select relname, reltuples::bigint as n from pg_class
			where relkind = 'r' and relname in ('users', 'department', 'post', 'post_comment', 'thread',
				'thread_message', 'kb_page', 'memo', 'memo_recipient', 'memo_acknowledgement',
				'search_document', 'notification')
			order by relname
		`.execute(db);
		return Object.fromEntries(rows.map((r) => [r.relname, Number(r.n)]));
	});
}

/** Prepares the database (see the top of this file); a failure on the way leaves nothing behind. */
export async function prepareDayDatabase(log: (line: string) => void): Promise<DayDatabase> {
	const reuse = process.env.BENCH_DAY_DATA_DIR;
	const temp = reuse ? null : fs.mkdtempSync(path.join(os.tmpdir(), 'commons-day-'));
	try {
		return await prepare(log, temp);
	} catch (error) {
		if (temp) {
			// A server of ours may still run in the folder: stop it, then remove the folder.
			const pidFile = path.join(temp, 'postgres', 'postmaster.pid');
			if (fs.existsSync(pidFile)) {
				try {
					process.kill(Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]), 'SIGINT');
					await new Promise((resolve) => setTimeout(resolve, 3000));
				} catch {
					// already gone
				}
			}
			fs.rmSync(temp, { recursive: true, force: true });
		}
		throw error;
	}
}

async function prepare(log: (line: string) => void, temp: string | null): Promise<DayDatabase> {
	const reuse = process.env.BENCH_DAY_DATA_DIR;
	const size = process.env.BENCH_DAY_SIZE ?? 'large';
	if (!reuse && !SIZES[size])
		throw new Error(`BENCH_DAY_SIZE must be one of ${Object.keys(SIZES).join(', ')} (got ${size})`);
	if (temp) fs.chmodSync(temp, 0o755);
	const dataDir = reuse ? path.resolve(reuse, 'postgres') : path.join(temp!, 'postgres');
	if (reuse && !fs.existsSync(path.join(dataDir, 'PG_VERSION')))
		throw new Error(
			`BENCH_DAY_DATA_DIR: ${dataDir} holds no database (run npm run seed:large first)`
		);
	const plans = new PlanCollector();
	const password = process.env.DEMO_PASSWORD ?? DEMO_PASSWORD;
	let seedSeconds: number | null = null;

	if (!reuse) {
		// Seed with durability off (a crash only means seeding again), then restart with it on.
		const seeding = await startEmbeddedPostgres({ dir: dataDir, fast: true });
		try {
			await ensureDatabase(seeding.urlFor('postgres'), TEMPLATE);
			const url = seeding.urlFor(TEMPLATE);
			const db = createDb(url, 4);
			useDatabaseForTests(db, url);
			try {
				await migrateToLatest(db);
				await seedDemoOrganisation(db, password);
				log(`seeding the ${size} organisation…`);
				const result = await seedLarge(db, { ...SIZES[size]!, seed: 42, password }, (line) =>
					log(line)
				);
				seedSeconds = result.seconds;
				log(`seeded in ${result.seconds.toFixed(0)} s: ${describeCounts(result.counts)}`);
			} finally {
				await db.destroy();
			}
		} finally {
			await seeding.stop();
		}
	}

	// Load the statistics and plan logging libraries (a restart), leaving the folder as found.
	let server = await startEmbeddedPostgres({ dir: dataDir });
	await withDb(server.urlFor('postgres'), (db) =>
		sql`alter system set shared_preload_libraries = ${sql.raw(PRELOAD)}`.execute(db)
	);
	await server.stop();
	server = await startEmbeddedPostgres({ dir: dataDir, onLog: (chunk) => plans.feed(chunk) });
	const admin = server.urlFor('postgres');
	const rows = await rowCounts(server.urlFor(TEMPLATE));
	log(`dataset: ${describeCounts(rows)} (estimates)`);

	return {
		dataDir,
		dataset: {
			source: reuse ? `reused ${reuse}` : 'seeded for this run',
			size: reuse ? null : size,
			seedSeconds,
			rows
		},
		password,
		plans,
		templateUrl: server.urlFor(TEMPLATE),
		async copy(name) {
			const started = performance.now();
			await withDb(admin, (db) =>
				sql`create database ${sql.id(name)} template ${sql.id(TEMPLATE)} strategy file_copy`.execute(
					db
				)
			);
			const url = server.urlFor(name);
			await withDb(url, async (db) => {
				await sql`create extension if not exists pg_stat_statements`.execute(db);
				// Plans of a sample of statements, with timing and buffers: EXPLAIN (ANALYZE, BUFFERS).
				for (const [setting, value] of [
					['auto_explain.log_min_duration', '0'],
					['auto_explain.sample_rate', String(planSampleRate())],
					['auto_explain.log_analyze', 'on'],
					['auto_explain.log_buffers', 'on'],
					['auto_explain.log_timing', 'on']
				])
					await sql`alter database ${sql.id(name)} set ${sql.raw(setting!)} = ${sql.lit(value!)}`.execute(
						db
					);
				await sql`select pg_stat_statements_reset()`.execute(db);
			});
			log(`database ${name} copied in ${((performance.now() - started) / 1000).toFixed(1)} s`);
			return url;
		},
		async resetStatistics(url) {
			await withDb(url, (db) => sql`select pg_stat_statements_reset()`.execute(db));
			plans.clear();
		},
		async drop(name) {
			await withDb(admin, (db) =>
				sql`drop database if exists ${sql.id(name)} with (force)`.execute(db)
			);
		},
		async stop() {
			await withDb(admin, (db) =>
				sql`alter system reset shared_preload_libraries`.execute(db)
			).catch(() => undefined);
			await server.stop();
			if (temp) fs.rmSync(temp, { recursive: true, force: true });
		}
	};
}
