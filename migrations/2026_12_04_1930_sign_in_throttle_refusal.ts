import { sql, type Kysely } from 'kysely';

/**
 * The block whose first refused attempt was written to the audit trail. A blocked attempt costs
 * no password check, so a script could send thousands a minute while blocked, each an audit row
 * that can never be deleted, each taking the trail's chain lock that every audited write waits
 * for. The first refusal of each block is audited (the block is the record); the rest are not.
 */
export async function up(db: Kysely<any>): Promise<void> {
	await sql`alter table sign_in_throttle add column refusal_audited_until timestamptz`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
	await sql`alter table sign_in_throttle drop column refusal_audited_until`.execute(db);
}
