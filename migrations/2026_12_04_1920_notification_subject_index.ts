import { sql, type Kysely } from 'kysely';

/**
 * Notifications by what they are about, so that deleting a post, a comment or a message removes
 * the notifications quoting it (one index lookup, not a scan of every notification).
 */
export async function up(db: Kysely<any>): Promise<void> {
	await sql`create index notification_subject_idx on notification (subject_type, subject_id)`.execute(
		db
	);
}

export async function down(db: Kysely<any>): Promise<void> {
	await sql`drop index notification_subject_idx`.execute(db);
}
