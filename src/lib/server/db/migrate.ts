import type { Kysely } from 'kysely';
import { Migrator } from 'kysely/migration';
import { migrations } from '../../../../migrations/index.ts';

function migrator<T>(db: Kysely<T>): Migrator {
	// Migrations speak snake_case SQL, so they get the connection without the CamelCasePlugin.
	return new Migrator({
		db: db.withoutPlugins(),
		provider: { getMigrations: async () => migrations }
	});
}

/** Applies every migration not yet applied; throws with the failing migration's name. */
export async function migrateToLatest<T>(db: Kysely<T>): Promise<string[]> {
	const { error, results } = await migrator(db).migrateToLatest();
	const failed = results?.find((r) => r.status === 'Error');
	if (error) {
		throw new Error(
			`Migration ${failed?.migrationName ?? ''} failed: ${error instanceof Error ? error.message : String(error)}`,
			{ cause: error }
		);
	}
	return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** Names of migrations that exist in code but are not applied to this database. */
export async function pendingMigrations<T>(db: Kysely<T>): Promise<string[]> {
	const all = await migrator(db).getMigrations();
	return all.filter((m) => !m.executedAt).map((m) => m.name);
}
