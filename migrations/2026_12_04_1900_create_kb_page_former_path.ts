import { sql, type Kysely } from 'kysely';

/**
 * The addresses pages had before they moved, so that a bookmark, a link in an email or a link
 * in an old revision still reaches the page: `/kb/<space>/<old path>` redirects to where the
 * page is now. A move records the old path of the page and of every page below it. A live page
 * at an address always wins over a former one, so an address can be given to a new page.
 */
export async function up(db: Kysely<any>): Promise<void> {
	await sql`
		create table kb_page_former_path (
			-- null: the organisation-wide space (pages only move inside their space)
			department_id bigint references department (id),
			path text not null check (length(path) <= 1000),
			page_id bigint not null references kb_page (id) on delete cascade,
			moved_at timestamptz not null default now()
		)
	`.execute(db);
	await sql`
		create unique index kb_page_former_path_key
		on kb_page_former_path ((coalesce(department_id, 0)), path)
	`.execute(db);
	await sql`create index kb_page_former_path_page_idx on kb_page_former_path (page_id)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
	await sql`drop table kb_page_former_path`.execute(db);
}
