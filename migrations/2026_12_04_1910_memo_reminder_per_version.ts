import { sql, type Kysely } from 'kysely';

/**
 * Reminders are kept per memo version. A ladder step was unique per memo and person, so after a
 * material amendment (everyone acknowledges again, by a new due date) the restarted ladder could
 * send none of the steps it had sent for the first version: the people told of the new version
 * were told nothing until it was overdue. Reminders already sent count for the memo's current
 * version, so no ladder in progress sends a step twice.
 */
export async function up(db: Kysely<any>): Promise<void> {
	await sql`alter table memo_reminder add column version integer`.execute(db);
	await sql`
		update memo_reminder r set version = m.current_version from memo m where m.id = r.memo_id
	`.execute(db);
	await sql`alter table memo_reminder alter column version set not null`.execute(db);
	await sql`
		alter table memo_reminder drop constraint memo_reminder_memo_id_user_id_step_key
	`.execute(db);
	await sql`
		alter table memo_reminder add constraint memo_reminder_step_key
		unique (memo_id, user_id, version, step)
	`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
	await sql`alter table memo_reminder drop constraint memo_reminder_step_key`.execute(db);
	await sql`
		delete from memo_reminder r using memo_reminder later
		where later.memo_id = r.memo_id and later.user_id = r.user_id and later.step = r.step
			and later.version > r.version
	`.execute(db);
	await sql`
		alter table memo_reminder add constraint memo_reminder_memo_id_user_id_step_key
		unique (memo_id, user_id, step)
	`.execute(db);
	await sql`alter table memo_reminder drop column version`.execute(db);
}
