import { sql, type Kysely } from 'kysely';

/**
 * Cross-department feeds: posts (with earlier versions), comments, reactions, follows, uploaded
 * files, and the notification rows that mentions store now and the notification centre reads later.
 */
export async function up(db: Kysely<any>): Promise<void> {
	await sql`
		create table post (
			id bigint generated always as identity primary key,
			author_id bigint not null references users (id),
			-- null: the organisation-wide feed
			department_id bigint references department (id),
			body_source text not null check (length(body_source) between 1 and 20000),
			body_html text not null,
			is_announcement boolean not null default false,
			pinned_at timestamptz,
			pinned_by bigint references users (id),
			comment_count integer not null default 0,
			created_at timestamptz not null default now(),
			edited_at timestamptz,
			deleted_at timestamptz,
			deleted_by bigint references users (id),
			constraint post_announcement_is_organisation_wide
				check (not is_announcement or department_id is null),
			constraint post_pinned_in_department check (pinned_at is null or department_id is not null)
		)
	`.execute(db);
	// Every feed is read newest first by (created_at, id) keyset; each source has its own index,
	// ascending so a backward scan serves both the order and the row comparison of the cursor.
	await sql`
		create index post_department_feed_idx on post (department_id, created_at, id)
		where deleted_at is null
	`.execute(db);
	await sql`
		create index post_organisation_feed_idx on post (created_at, id)
		where deleted_at is null and department_id is null
	`.execute(db);
	await sql`
		create index post_author_feed_idx on post (author_id, created_at, id)
		where deleted_at is null
	`.execute(db);
	await sql`
		create index post_pinned_idx on post (department_id, pinned_at desc)
		where pinned_at is not null and deleted_at is null
	`.execute(db);

	await sql`
		create table post_revision (
			id bigint generated always as identity primary key,
			post_id bigint not null references post (id) on delete cascade,
			body_source text not null,
			body_html text not null,
			-- who wrote this version, and when it was replaced
			written_by bigint not null references users (id),
			written_at timestamptz not null,
			replaced_at timestamptz not null default now()
		)
	`.execute(db);
	await sql`create index post_revision_post_idx on post_revision (post_id, id desc)`.execute(db);

	await sql`
		create table post_comment (
			id bigint generated always as identity primary key,
			post_id bigint not null references post (id) on delete cascade,
			-- one level of replies: a reply's parent is a top-level comment of the same post
			parent_id bigint references post_comment (id) on delete cascade,
			author_id bigint not null references users (id),
			body_source text not null check (length(body_source) between 1 and 5000),
			body_html text not null,
			created_at timestamptz not null default now(),
			edited_at timestamptz,
			deleted_at timestamptz
		)
	`.execute(db);
	await sql`create index post_comment_post_idx on post_comment (post_id, created_at, id)`.execute(
		db
	);
	await sql`create index post_comment_author_idx on post_comment (author_id, created_at desc)`.execute(
		db
	);

	await sql`
		create table post_reaction (
			post_id bigint not null references post (id) on delete cascade,
			user_id bigint not null references users (id),
			kind text not null check (kind in ('like', 'celebrate', 'support', 'insightful', 'curious')),
			created_at timestamptz not null default now(),
			primary key (post_id, kind, user_id)
		)
	`.execute(db);
	await sql`create index post_reaction_user_idx on post_reaction (user_id, post_id)`.execute(db);

	await sql`
		create table department_follow (
			user_id bigint not null references users (id) on delete cascade,
			department_id bigint not null references department (id) on delete cascade,
			created_at timestamptz not null default now(),
			primary key (user_id, department_id)
		)
	`.execute(db);
	await sql`create index department_follow_department_idx on department_follow (department_id)`.execute(
		db
	);
	await sql`
		create table person_follow (
			follower_id bigint not null references users (id) on delete cascade,
			followee_id bigint not null references users (id) on delete cascade,
			created_at timestamptz not null default now(),
			primary key (follower_id, followee_id),
			check (follower_id <> followee_id)
		)
	`.execute(db);
	await sql`create index person_follow_followee_idx on person_follow (followee_id)`.execute(db);

	await sql`
		create table attachment (
			id bigint generated always as identity primary key,
			uploader_id bigint not null references users (id),
			post_id bigint references post (id) on delete set null,
			storage_key text not null unique,
			file_name text not null check (length(file_name) between 1 and 255),
			content_type text not null,
			byte_size integer not null check (byte_size > 0),
			width integer,
			height integer,
			sha256 text not null,
			created_at timestamptz not null default now()
		)
	`.execute(db);
	await sql`create index attachment_post_idx on attachment (post_id) where post_id is not null`.execute(
		db
	);
	await sql`create index attachment_unattached_idx on attachment (created_at) where post_id is null`.execute(
		db
	);

	await sql`
		create table notification (
			id bigint generated always as identity primary key,
			recipient_id bigint not null references users (id) on delete cascade,
			kind text not null,
			actor_id bigint references users (id),
			subject_type text not null,
			subject_id bigint not null,
			-- where the link lands (e.g. the post of a comment) and a short excerpt
			context jsonb not null default '{}'::jsonb,
			created_at timestamptz not null default now(),
			read_at timestamptz
		)
	`.execute(db);
	// A person is told once about each mention, however often the text is edited.
	await sql`
		create unique index notification_once_idx
		on notification (recipient_id, kind, subject_type, subject_id)
	`.execute(db);
	await sql`
		create index notification_recipient_idx on notification (recipient_id, created_at desc, id desc)
	`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
	for (const table of [
		'notification',
		'attachment',
		'person_follow',
		'department_follow',
		'post_reaction',
		'post_comment',
		'post_revision',
		'post'
	])
		await db.schema.dropTable(table).execute();
}
