/**
 * Memos hold files (uploaded through the same storage as posts and pages, linked from the text)
 * and can replace an earlier memo: publishing the new one marks the old one superseded. Also
 * the index behind "memos you received" (a person's recipient rows in any state).
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
	// Files stay with the memo for good: published versions link to them.
	await sql`alter table attachment add column memo_id bigint references memo (id)`.execute(db);
	await sql`create index attachment_memo_idx on attachment (memo_id) where memo_id is not null`.execute(
		db
	);
	// An attachment is unattached only when no post, page or memo holds it.
	await sql`drop index attachment_unattached_idx`.execute(db);
	await sql`
		create index attachment_unattached_idx on attachment (created_at)
		where post_id is null and page_id is null and memo_id is null
	`.execute(db);

	// The draft says which published memo it replaces; publishing it supersedes that one.
	await sql`alter table memo add column supersedes_id bigint references memo (id)`.execute(db);

	await sql`
		create index memo_recipient_person_idx on memo_recipient (user_id, delivered_at desc, memo_id)
	`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
	await sql`drop index memo_recipient_person_idx`.execute(db);
	await sql`alter table memo drop column supersedes_id`.execute(db);
	await sql`drop index attachment_unattached_idx`.execute(db);
	await sql`drop index attachment_memo_idx`.execute(db);
	await sql`alter table attachment drop column memo_id`.execute(db);
	await sql`
		create index attachment_unattached_idx on attachment (created_at)
		where post_id is null and page_id is null
	`.execute(db);
}
