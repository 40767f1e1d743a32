import { sql } from 'kysely';
import { db } from './db/index.ts';
import { pendingMigrations } from './db/migrate.ts';

export type Readiness = {
	ready: boolean;
	database: 'ok' | 'unreachable';
	pendingMigrations: string[];
};

/** Ready when the database answers within `timeoutMs` and every migration is applied. */
export async function checkReadiness(timeoutMs = 2000): Promise<Readiness> {
	try {
		const database = db();
		const check = (async () => {
			await sql`select 1`.execute(database);
			return pendingMigrations(database);
		})();
		const timeout = new Promise<never>((_, reject) =>
			setTimeout(() => reject(new Error('timeout')), timeoutMs).unref()
		);
		const pending = await Promise.race([check, timeout]);
		return { ready: pending.length === 0, database: 'ok', pendingMigrations: pending };
	} catch {
		return { ready: false, database: 'unreachable', pendingMigrations: [] };
	}
}
