/**
 * Reading the plan PostgreSQL chooses for a repository's statement, with its own parameters: a
 * Kysely instance on a one-connection pool that keeps the last statement it sent, and `explain`
 * of that statement on the same connection settings (`setup`, run on connect: e.g. pricing
 * sequential scans out when a test's tables are too small for the planner to prefer an index).
 */
import { CamelCasePlugin, Kysely, PostgresDialect, type CompiledQuery } from 'kysely';
import pg from 'pg';
import type { Database } from '../../src/lib/server/db/index.ts';
import type { DB } from '../../src/lib/server/db/schema.ts';

export function watchedDatabase(
	url: string,
	setup?: string
): { db: Database; planOfLast(): Promise<string> } {
	const pool = new pg.Pool({ connectionString: url, max: 1 });
	if (setup) pool.on('connect', (client) => void client.query(setup).catch(() => undefined));
	let sent: CompiledQuery | null = null;
	const db: Database = new Kysely<DB>({
		dialect: new PostgresDialect({ pool }),
		plugins: [new CamelCasePlugin()],
		log: (event) => {
			if (event.level === 'query') sent = event.query;
		}
	});
	return {
		db,
		async planOfLast() {
			const statement = sent!;
			const { rows } = await pool.query(`explain ${statement.sql}`, [...statement.parameters]);
			return rows.map((r: Record<string, string>) => r['QUERY PLAN']).join('\n');
		}
	};
}
