/**
 * A fresh database per test file, cloned from the migrated template, and registered as the
 * app's database so services (which call `db()`) use it.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, inject } from 'vitest';
import { createDb, useDatabaseForTests, type Database } from '../../src/lib/server/db/index.ts';

export type TestDatabase = { db: Database; url: string };

function withDatabase(url: string, database: string): string {
	const parsed = new URL(url);
	parsed.pathname = `/${database}`;
	return parsed.toString();
}

async function admin<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
	const client = new pg.Client({ connectionString: inject('pgAdminUrl') });
	await client.connect();
	try {
		return await run(client);
	} finally {
		await client.end();
	}
}

/** Creates an empty, migrated database for this file and drops it after the file's tests. */
export async function createTestDatabase(): Promise<TestDatabase> {
	const name = `test_${randomBytes(6).toString('hex')}`;
	await admin((c) => c.query(`create database ${name} template commons_template`));
	const url = withDatabase(inject('pgAdminUrl'), name);
	const db = createDb(url, 5);
	useDatabaseForTests(db, url);
	afterAll(async () => {
		await db.destroy();
		await admin((c) => c.query(`drop database if exists ${name} with (force)`));
	});
	return { db, url };
}
