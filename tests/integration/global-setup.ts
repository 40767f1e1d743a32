/**
 * One PostgreSQL server for the whole integration run, with a migrated template database.
 * Each test file clones the template (see ./database.ts), so files run in parallel without
 * sharing rows.
 */
import type { TestProject } from 'vitest/node';
import { createDb } from '../../src/lib/server/db/index.ts';
import { ensureDatabase } from '../../src/lib/server/db/embedded.ts';
import { migrateToLatest } from '../../src/lib/server/db/migrate.ts';
import { startScratchPostgres } from '../../src/lib/server/db/scratch.ts';

export const TEMPLATE_DATABASE = 'commons_template';

declare module 'vitest' {
	export interface ProvidedContext {
		/** URL of the maintenance database, for CREATE DATABASE. */
		pgAdminUrl: string;
	}
}

export default async function setup(project: TestProject) {
	const server = await startScratchPostgres();
	await ensureDatabase(server.urlFor('postgres'), TEMPLATE_DATABASE);
	const db = createDb(server.urlFor(TEMPLATE_DATABASE), 1);
	await migrateToLatest(db);
	// A template must have no open connections while it is being copied.
	await db.destroy();
	project.provide('pgAdminUrl', server.urlFor('postgres'));
	return async () => {
		await server.stop();
	};
}
