/**
 * The database connection: one Kysely instance per process, kept on a globalThis symbol
 * because Vite and the SSR bundle load separate copies of this module.
 */
import path from 'node:path';
import { CamelCasePlugin, Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Config } from '../config.ts';
import { isShuttingDown, onShutdown } from '../lifecycle.ts';
import { ensureDatabase, startEmbeddedPostgres } from './embedded.ts';
import { migrateToLatest } from './migrate.ts';
import { prepareMarkedQueries } from './prepared.ts';
import type { DB } from './schema.ts';

export type Database = Kysely<DB>;

// bigint ids and counts fit comfortably in a JS number (2^53); parse them as numbers. Calendar
// dates (review-by, due dates) stay 'YYYY-MM-DD' strings: a Date would shift them by time zone.
const types = {
	getTypeParser(oid: number, format?: 'text' | 'binary') {
		if (oid === pg.types.builtins.INT8) return (value: string) => Number(value);
		if (oid === pg.types.builtins.DATE) return (value: string) => value;
		return pg.types.getTypeParser(oid, format as 'text');
	}
} as pg.CustomTypesConfig;

export function createDb(
	connectionString: string,
	poolSize = 10,
	options: { preparedStatements?: boolean } = {}
): Database {
	const { preparedStatements = true } = options;
	// A connection that cannot be opened within 5 s fails the request (see availability.ts)
	// instead of leaving it hanging while the database is away.
	const pool = new pg.Pool({
		connectionString,
		max: poolSize,
		types,
		connectionTimeoutMillis: 5_000
	});
	// Every session speaks UTC; the UI converts to local time.
	pool.on('connect', (client) => {
		if (preparedStatements) prepareMarkedQueries(client);
		// No parallel workers: the app's queries are short and many run at once, so starting
		// workers costs more than it saves (3-4 ms for a search branch that then finds nothing)
		// and takes cores from the other requests.
		client
			.query("set time zone 'UTC'; set max_parallel_workers_per_gather = 0")
			.catch(() => undefined);
		// A client checked out when the server goes away (57P01 at shutdown) emits 'error' on
		// itself, not on the pool; unhandled, that would crash the process. The query in flight
		// still fails and its caller handles that.
		client.on('error', (error) => {
			if (!isShuttingDown()) console.warn(`commons: database connection lost: ${error.message}`);
		});
	});
	// An idle connection that the server drops (restart, outage, shutdown) must not crash the
	// process: the pool discards it and the next query opens a new one.
	pool.on('error', (error) => {
		if (!isShuttingDown()) console.warn(`commons: database connection lost: ${error.message}`);
	});
	return new Kysely<DB>({
		dialect: new PostgresDialect({ pool }),
		plugins: [new CamelCasePlugin()]
	});
}

const DB_HOLDER = Symbol.for('commons.db');
type Holder = { [DB_HOLDER]?: { db: Database; url: string; ready: Promise<void> } };

/** The embedded server keeps its files here; uploads sit beside it. */
export function embeddedDataDir(cfg: Config): string {
	return path.join(cfg.dataDir, 'postgres');
}

/**
 * Returns the URL of the app's database: DATABASE_URL, or the embedded server under DATA_DIR,
 * started (and stopped at shutdown) by this process.
 */
export async function resolveDatabaseUrl(
	cfg: Config,
	log?: (line: string) => void
): Promise<string> {
	if (cfg.databaseUrl) return cfg.databaseUrl;
	const server = await startEmbeddedPostgres({ dir: embeddedDataDir(cfg), onLog: log });
	onShutdown('embedded postgres', () => server.stop());
	await ensureDatabase(server.urlFor('postgres'), 'commons');
	return server.urlFor('commons');
}

/**
 * Starts (once per process) the database the app uses, migrated to the latest version.
 * Safe to call from several places: later calls wait for the first.
 */
export async function startAppDatabase(
	cfg: Config,
	log?: (line: string) => void
): Promise<{ db: Database; url: string }> {
	const holder = globalThis as Holder;
	if (!holder[DB_HOLDER]) {
		let resolveReady!: () => void;
		let rejectReady!: (e: unknown) => void;
		const ready = new Promise<void>((res, rej) => {
			resolveReady = res;
			rejectReady = rej;
		});
		const entry = { db: undefined as unknown as Database, url: '', ready };
		holder[DB_HOLDER] = entry;
		try {
			entry.url = await resolveDatabaseUrl(cfg, log);
			entry.db = createDb(entry.url, cfg.databasePoolSize, {
				preparedStatements: cfg.preparedStatements
			});
			onShutdown('database pool', () => entry.db.destroy());
			await migrateToLatest(entry.db);
			resolveReady();
		} catch (error) {
			delete holder[DB_HOLDER];
			rejectReady(error);
			throw error;
		}
	}
	const entry = holder[DB_HOLDER];
	await entry.ready;
	return { db: entry.db, url: entry.url };
}

/** The started app database. Throws when called before `startAppDatabase` finished. */
export function db(): Database {
	const entry = (globalThis as Holder)[DB_HOLDER];
	if (!entry?.db) throw new Error('The database is not started yet');
	return entry.db;
}

/** Registers an already-migrated database as the app's database. Tests only. */
export function useDatabaseForTests(database: Database, url: string): void {
	(globalThis as Holder)[DB_HOLDER] = { db: database, url, ready: Promise.resolve() };
}
