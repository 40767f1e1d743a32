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
