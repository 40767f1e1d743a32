import { sql, type Kysely } from 'kysely';

/**
 * Request counters for the JSON API's rate limits (src/lib/server/api/rate-limit.ts), in
 * PostgreSQL so that every app instance counts against the same budget. One row per key
 * ('api:user:<id>' or 'api:ip:<address>') holding the current fixed window's count.
 *
 * Unlogged: every API request writes here, and a counter lost in a crash only forgives up to one
 * minute of requests, so the write-ahead log would be paid for nothing.
 */
export async function up(db: Kysely<any>): Promise<void> {
	await sql`
		create unlogged table rate_limit (
			key text primary key,
			window_start timestamptz not null,
			hits integer not null
		)
	`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.dropTable('rate_limit').execute();
}
