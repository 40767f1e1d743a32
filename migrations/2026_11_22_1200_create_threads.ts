import { sql, type Kysely } from 'kysely';

/**
 * Live discussion threads. Every message gets the next per-thread sequence number in the same
 * transaction that stores it (the thread row's `last_seq`, taken under its row lock), so readers
 * can ask for "everything after N" and never miss or repeat a message. The socket.io Postgres
 * adapter's table lets several app instances share broadcasts.
 */
export async function up(db: Kysely<any>): Promise<void> {
	await sql`
		create table thread (
			id bigint generated always as identity primary key,
			title text not null check (length(title) between 1 and 200),
			-- null: the whole organisation
			department_id bigint references department (id),
			-- a thread opened from a post, page or memo ("Discuss"): at most one per subject
			subject_type text check (subject_type in ('post', 'page', 'memo')),
			subject_id bigint,
			announce_only boolean not null default false,
			created_by bigint not null references users (id),
			created_at timestamptz not null default now(),
			last_seq bigint not null default 0,
			last_message_at timestamptz,
			constraint thread_subject_complete check ((subject_type is null) = (subject_id is null))
		)
	`.execute(db);
	await sql`
		create unique index thread_subject_idx on thread (subject_type, subject_id)
		where subject_type is not null
	`.execute(db);
	await sql`
		create index thread_department_idx on thread (department_id, last_message_at desc nulls last, id desc)
	`.execute(db);

	await sql`
		create table thread_message (
			id bigint generated always as identity primary key,
			thread_id bigint not null references thread (id) on delete cascade,
			seq bigint not null,
			author_id bigint not null references users (id),
			-- the sender's idempotency key: a retried send returns the stored message
			client_key text not null check (length(client_key) between 8 and 64),
			body_source text not null check (length(body_source) between 1 and 10000),
			body_html text not null,
			reply_to_id bigint references thread_message (id),
			created_at timestamptz not null default now(),
			edited_at timestamptz,
			deleted_at timestamptz,
			constraint thread_message_seq_key unique (thread_id, seq),
			constraint thread_message_client_key unique (thread_id, author_id, client_key)
		)
	`.execute(db);
	await sql`create index thread_message_author_idx on thread_message (author_id, created_at desc)`.execute(
		db
	);

	await sql`
		create table thread_message_revision (
			id bigint generated always as identity primary key,
			message_id bigint not null references thread_message (id) on delete cascade,
			body_source text not null,
			body_html text not null,
			replaced_at timestamptz not null default now()
		)
	`.execute(db);
	await sql`create index thread_message_revision_idx on thread_message_revision (message_id, id)`.execute(
		db
	);

	await sql`
		create table thread_message_reaction (
			message_id bigint not null references thread_message (id) on delete cascade,
			user_id bigint not null references users (id),
			kind text not null check (kind in ('like', 'celebrate', 'support', 'insightful', 'curious')),
			created_at timestamptz not null default now(),
			primary key (message_id, kind, user_id)
		)
	`.execute(db);

	// A person's place in a thread: present once they open or write in it ("My threads").
	await sql`
		create table thread_participant (
			thread_id bigint not null references thread (id) on delete cascade,
			user_id bigint not null references users (id) on delete cascade,
			last_read_seq bigint not null default 0,
			joined_at timestamptz not null default now(),
			primary key (user_id, thread_id)
		)
	`.execute(db);
	await sql`create index thread_participant_thread_idx on thread_participant (thread_id, last_read_seq)`.execute(
		db
	);

	// The table @socket.io/postgres-adapter uses for payloads too large for NOTIFY.
	await sql`
		create table socket_io_attachments (
			id bigserial unique,
			created_at timestamptz default now(),
			payload bytea
		)
	`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
	for (const table of [
		'socket_io_attachments',
		'thread_participant',
		'thread_message_reaction',
		'thread_message_revision',
		'thread_message',
		'thread'
	])
		await db.schema.dropTable(table).execute();
}
