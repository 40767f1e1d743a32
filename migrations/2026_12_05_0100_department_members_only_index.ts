import { sql, type Kysely } from 'kysely';

/**
 * The members-only departments, for the departments hidden from a person: every request reads
 * them with its session (src/lib/server/org/actor.repository.ts). Without it each request read
 * the whole department table (0.37 of 1.1 ms for the session's query at 3,000 departments).
 */
export async function up(db: Kysely<any>): Promise<void> {
	await sql`create index department_members_only_idx on department (id) where visibility = 'members-only'`.execute(
		db
	);
}

export async function down(db: Kysely<any>): Promise<void> {
	await sql`drop index department_members_only_idx`.execute(db);
}
