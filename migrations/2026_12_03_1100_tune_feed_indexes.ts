import { sql, type Kysely } from 'kysely';

/**
 * Feed indexes shaped after the queries that use them (the feed benchmark, issue 4):
 *
 * - A department's stream leaves pinned posts out (they sit on top), so its index does too, and
 *   carries everything the stream reads: the scan is index-only and never visits the heap.
 * - The organisation stream's filter on announcements reads `is_announcement` from the index.
 * - Current announcements (the top of the home feed) get a small index of their own: without it
 *   the top query walked the organisation stream until it had gone back a week.
 */
export async function up(db: Kysely<any>): Promise<void> {
	await sql`drop index post_department_feed_idx`.execute(db);
	await sql`
		create index post_department_feed_idx on post (department_id, created_at, id)
		where deleted_at is null and pinned_at is null
	`.execute(db);
	await sql`drop index post_organisation_feed_idx`.execute(db);
	await sql`
		create index post_organisation_feed_idx on post (created_at, id) include (is_announcement)
		where deleted_at is null and department_id is null
	`.execute(db);
	await sql`
		create index post_announcement_idx on post (created_at)
		where is_announcement and deleted_at is null
	`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
	await sql`drop index post_announcement_idx`.execute(db);
	await sql`drop index post_organisation_feed_idx`.execute(db);
	await sql`
		create index post_organisation_feed_idx on post (created_at, id)
		where deleted_at is null and department_id is null
	`.execute(db);
	await sql`drop index post_department_feed_idx`.execute(db);
	await sql`
		create index post_department_feed_idx on post (department_id, created_at, id)
		where deleted_at is null
	`.execute(db);
}
