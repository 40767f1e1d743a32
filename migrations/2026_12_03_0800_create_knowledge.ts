import { sql, type Kysely } from 'kysely';

/**
 * Knowledge pages: a wiki per department and one for the organisation. A page lives in a space
 * (its department, or the organisation when department_id is null), sits in a tree (parent_id),
 * and is addressed by its path of slugs inside the space. Every save is a revision; links written
 * as [[Page title]] are stored so a page can show what links to it.
 */
export async function up(db: Kysely<any>): Promise<void> {
	await sql`
		create table kb_page (
			id bigint generated always as identity primary key,
			-- null: the organisation-wide space
			department_id bigint references department (id),
			parent_id bigint references kb_page (id),
			slug text not null check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' and length(slug) <= 80),
			-- the slugs from the space's root down to this page, joined by '/'
			path text not null check (length(path) <= 1000),
			title text not null check (length(title) between 1 and 200),
			body_source text not null check (length(body_source) <= 100000),
			body_html text not null,
			-- the headings, for the table of contents: [{ level, id, text }]
			toc jsonb not null default '[]'::jsonb,
			-- the number of the current revision; a save names the one it was based on
			revision integer not null default 1,
			owner_id bigint not null references users (id),
			-- only the people in kb_page_editor (and administrators) may edit
			edit_restricted boolean not null default false,
			review_by date,
			verified_until date,
			verified_by bigint references users (id),
			created_by bigint not null references users (id),
			created_at timestamptz not null default now(),
			updated_by bigint not null references users (id),
			updated_at timestamptz not null default now(),
			deleted_at timestamptz,
			deleted_by bigint references users (id),
			constraint kb_page_not_own_parent check (parent_id is null or parent_id <> id)
		)
	`.execute(db);
	// A page is found by (space, path); siblings cannot share a slug because their paths would clash.
	await sql`
		create unique index kb_page_path_idx on kb_page (coalesce(department_id, 0), path)
		where deleted_at is null
	`.execute(db);
	await sql`
		create index kb_page_children_idx on kb_page (parent_id, lower(title))
		where deleted_at is null
	`.execute(db);
	// [[Page title]] links resolve by title, case-insensitively.
	await sql`
		create index kb_page_title_idx on kb_page (lower(title)) where deleted_at is null
	`.execute(db);
	await sql`
		create index kb_page_review_idx on kb_page (owner_id, review_by)
		where deleted_at is null and review_by is not null
	`.execute(db);
	await sql`
		create index kb_page_recent_idx on kb_page (updated_at, id) where deleted_at is null
	`.execute(db);

	await sql`
		create table kb_page_revision (
			id bigint generated always as identity primary key,
			page_id bigint not null references kb_page (id) on delete cascade,
			number integer not null,
			title text not null,
			body_source text not null,
			body_html text not null,
			summary text not null default '' check (length(summary) <= 300),
			author_id bigint not null references users (id),
			created_at timestamptz not null default now(),
			-- set when this revision restored an earlier one
			restored_from integer,
			unique (page_id, number)
		)
	`.execute(db);

	await sql`
		create table kb_page_link (
			from_page_id bigint not null references kb_page (id) on delete cascade,
			-- the title as written, lower-cased: a link to a page not written yet waits for it
			target_title text not null,
			to_page_id bigint references kb_page (id) on delete set null,
			primary key (from_page_id, target_title)
		)
	`.execute(db);
	await sql`
		create index kb_page_link_to_idx on kb_page_link (to_page_id) where to_page_id is not null
	`.execute(db);
	await sql`
		create index kb_page_link_unresolved_idx on kb_page_link (target_title)
		where to_page_id is null
	`.execute(db);

	await sql`
		create table kb_page_editor (
			page_id bigint not null references kb_page (id) on delete cascade,
			user_id bigint not null references users (id) on delete cascade,
			primary key (page_id, user_id)
		)
	`.execute(db);

	// Pages keep files in the same storage as posts.
	await sql`
		alter table attachment add column page_id bigint references kb_page (id) on delete set null
	`.execute(db);
	await sql`create index attachment_page_idx on attachment (page_id) where page_id is not null`.execute(
		db
	);
	// An attachment is unattached only when neither a post nor a page holds it.
	await sql`drop index attachment_unattached_idx`.execute(db);
	await sql`
		create index attachment_unattached_idx on attachment (created_at)
		where post_id is null and page_id is null
	`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
	await sql`drop index attachment_unattached_idx`.execute(db);
	await sql`alter table attachment drop column page_id`.execute(db);
	await sql`create index attachment_unattached_idx on attachment (created_at) where post_id is null`.execute(
		db
	);
	await sql`drop table kb_page_editor, kb_page_link, kb_page_revision, kb_page`.execute(db);
}
