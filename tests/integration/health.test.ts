import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createDb, useDatabaseForTests } from '../../src/lib/server/db/index.ts';
import { freePort } from '../../src/lib/server/db/embedded.ts';
import { checkReadiness } from '../../src/lib/server/health.ts';
import { createTestDatabase } from './database.ts';

const { db, url } = await createTestDatabase();

describe('readiness', () => {
	it('is ready when the database answers and every migration is applied', async () => {
		expect(await checkReadiness()).toEqual({ ready: true, database: 'ok', pendingMigrations: [] });
	});

	it('names pending migrations', async () => {
		await db
			.withoutPlugins()
			.deleteFrom('kysely_migration' as never)
			.execute();
		const readiness = await checkReadiness();
		expect(readiness.ready).toBe(false);
		expect(readiness.pendingMigrations).toContain('2026_11_22_0900_create_organisation');
	});

	it('reports an unreachable database quickly instead of hanging', async () => {
		const nowhere = createDb(`postgres://postgres:x@127.0.0.1:${await freePort()}/none`, 1);
		useDatabaseForTests(nowhere, 'unreachable');
		try {
			const started = Date.now();
			expect(await checkReadiness(1000)).toEqual({
				ready: false,
				database: 'unreachable',
				pendingMigrations: []
			});
			expect(Date.now() - started).toBeLessThan(10_000);
		} finally {
			await nowhere.destroy();
			useDatabaseForTests(db, url);
		}
	});
});

describe('a lost database connection', () => {
	it('does not crash the process when the server ends a checked-out connection', async () => {
		const own = createDb(url, 1);
		try {
			// Hold a connection between queries (as a transaction does) while the server ends it,
			// as it does to every backend at shutdown (57P01). Unhandled, the client's 'error' event
			// would be an uncaught exception that fails this run.
			const failure = await own.connection().execute(async (conn) => {
				const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(conn);
				await sql`select pg_terminate_backend(${rows[0]!.pid})`.execute(db);
				await new Promise((resolve) => setTimeout(resolve, 200));
				return sql`select 1`.execute(conn).then(
					() => null,
					(error: Error) => error
				);
			});
			expect(failure).toBeInstanceOf(Error);
		} finally {
			await own.destroy();
		}
		// The pool opens a fresh connection for the next query.
		const { rows } = await sql<{ one: number }>`select 1 as one`.execute(db);
		expect(rows[0]!.one).toBe(1);
	});
});
