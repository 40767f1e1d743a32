import { sql, type Kysely } from 'kysely';

/**
 * Official memos: a memo, its append-only versions, who it is addressed to (audience rows), one
 * recipient row per person with their own due date and state, append-only acknowledgements and
 * exceptions (extensions, acknowledgements recorded on someone's behalf), comprehension attempts,
 * and the reminder and escalation logs that make the reminder ladder send each step once.
 */
export async function up(db: Kysely<any>): Promise<void> {
	await sql`
		create table memo (
			id bigint generated always as identity primary key,
			title text not null check (length(title) between 1 and 200),
			category text not null check (category in ('policy', 'instruction', 'notice')),
			issuing_department_id bigint not null references department (id),
			reference text check (length(reference) <= 60),
			-- the draft's text; published text lives in memo_version and never changes
			body_source text not null default '' check (length(body_source) <= 100000),
			status text not null default 'draft' check (status in
				('draft', 'awaiting_approval', 'scheduled', 'published', 'superseded', 'retracted')),
			requires_approval boolean not null default false,
			review_comment text,
			reviewed_by bigint references users (id),
			reviewed_at timestamptz,
			due_on date,
			-- people who join an audience department later get it, due this many days after joining
			include_later_joiners boolean not null default false,
			later_joiner_days integer not null default 14 check (later_joiner_days between 1 and 365),
			attestation text check (length(attestation) <= 500),
			-- { prompt, options: string[], answer: number, explanation }
			question jsonb,
			reminder_ladder jsonb not null default
				'{"onPublish":true,"beforeDueDays":[3],"onDue":true,"overdueEveryDays":2}'::jsonb,
			current_version integer not null default 0,
			publish_at timestamptz,
			published_at timestamptz,
			retracted_at timestamptz,
			retracted_by bigint references users (id),
			retraction_reason text,
			superseded_by bigint references memo (id),
			created_by bigint not null references users (id),
			created_at timestamptz not null default now(),
			updated_at timestamptz not null default now()
		)
	`.execute(db);
	await sql`create index memo_created_by_idx on memo (created_by, created_at, id)`.execute(db);
	await sql`create index memo_issuing_idx on memo (issuing_department_id, created_at, id)`.execute(
		db
	);
	await sql`create index memo_scheduled_idx on memo (publish_at) where status = 'scheduled'`.execute(
		db
	);
	await sql`
		create index memo_later_joiners_idx on memo (id)
		where status = 'published' and include_later_joiners
	`.execute(db);

	await sql`
		create table memo_version (
			id bigint generated always as identity primary key,
			memo_id bigint not null references memo (id),
			number integer not null check (number >= 1),
			title text not null,
			body_source text not null,
			body_html text not null,
			-- SHA-256 (hex) of the exact content: canonical JSON of { title, bodySource }
			content_hash text not null check (content_hash ~ '^[0-9a-f]{64}$'),
			change_kind text not null check (change_kind in ('initial', 'material', 'editorial')),
			change_note text not null default '' check (length(change_note) <= 500),
			created_by bigint not null references users (id),
			created_at timestamptz not null,
			unique (memo_id, number)
		)
	`.execute(db);

	await sql`
		create table memo_audience (
			id bigint generated always as identity primary key,
			memo_id bigint not null references memo (id) on delete cascade,
			kind text not null check (kind in ('organisation', 'department', 'role', 'person')),
			department_id bigint references department (id),
			include_sub boolean not null default true,
			role_key text references role (key),
			user_id bigint references users (id),
			exclude boolean not null default false,
			constraint memo_audience_shape check (
				(kind = 'organisation' and department_id is null and role_key is null and user_id is null)
				or (kind = 'department' and department_id is not null and role_key is null and user_id is null)
				or (kind = 'role' and role_key is not null and department_id is null and user_id is null)
				or (kind = 'person' and user_id is not null and department_id is null and role_key is null)
			)
		)
	`.execute(db);
	await sql`create index memo_audience_memo_idx on memo_audience (memo_id)`.execute(db);

	await sql`
		create table memo_recipient (
			memo_id bigint not null references memo (id),
			user_id bigint not null references users (id),
			-- the person's department (kept current when they move), for the roll-up
			department_id bigint not null references department (id),
			due_on date not null,
			delivered_at timestamptz not null,
			first_viewed_at timestamptz,
			state text not null default 'pending' check (state in ('pending', 'acknowledged')),
			acknowledged_at timestamptz,
			acknowledged_version integer,
			acknowledgement_id bigint,
			joined_later boolean not null default false,
			extended boolean not null default false,
			-- the reminder ladder: the index of the next step and when it is due
			reminder_step integer not null default 0,
			next_reminder_at timestamptz,
			escalated_at timestamptz,
			primary key (memo_id, user_id)
		)
	`.execute(db);
	// A person's pending memos (the banner, "my pending").
	await sql`
		create index memo_recipient_pending_idx on memo_recipient (user_id, due_on, memo_id)
		where state = 'pending'
	`.execute(db);
	// The report: counts by state, and the roll-up by department.
	await sql`create index memo_recipient_state_idx on memo_recipient (memo_id, state, due_on)`.execute(
		db
	);
	await sql`
		create index memo_recipient_department_idx on memo_recipient (memo_id, department_id, state)
	`.execute(db);
	// The reminder runner claims what is due.
	await sql`
		create index memo_recipient_reminder_idx on memo_recipient (next_reminder_at)
		where state = 'pending' and next_reminder_at is not null
	`.execute(db);
	await sql`
		create index memo_recipient_escalation_idx on memo_recipient (due_on)
		where state = 'pending' and escalated_at is null
	`.execute(db);

	await sql`
		create table memo_acknowledgement (
			id bigint generated always as identity primary key,
			memo_id bigint not null references memo (id),
			user_id bigint not null references users (id),
			version_number integer not null,
			content_hash text not null check (content_hash ~ '^[0-9a-f]{64}$'),
			acknowledged_at timestamptz not null,
			ip text,
			user_agent text,
			attested boolean not null default false,
			on_behalf_by bigint references users (id),
			on_behalf_reason text,
			constraint memo_acknowledgement_reason check (
				(on_behalf_by is null) = (on_behalf_reason is null)
			),
			unique (memo_id, user_id, version_number)
		)
	`.execute(db);
	await sql`
		create index memo_acknowledgement_memo_idx on memo_acknowledgement (memo_id, acknowledged_at, id)
	`.execute(db);

	await sql`
		create table memo_exception (
			id bigint generated always as identity primary key,
			memo_id bigint not null references memo (id),
			user_id bigint not null references users (id),
			kind text not null check (kind in ('extension', 'on_behalf')),
			previous_due_on date,
			new_due_on date,
			reason text not null check (length(reason) between 1 and 1000),
			created_by bigint not null references users (id),
			created_at timestamptz not null
		)
	`.execute(db);
	await sql`create index memo_exception_memo_idx on memo_exception (memo_id, user_id)`.execute(db);

	await sql`
		create table memo_comprehension_attempt (
			id bigint generated always as identity primary key,
			memo_id bigint not null references memo (id),
			user_id bigint not null references users (id),
			version_number integer not null,
			answer integer not null,
			correct boolean not null,
			created_at timestamptz not null
		)
	`.execute(db);
	await sql`
		create index memo_attempt_idx on memo_comprehension_attempt (memo_id, user_id, created_at)
	`.execute(db);

	// One row per reminder sent: the ladder step (null for "remind pending now").
	await sql`
		create table memo_reminder (
			id bigint generated always as identity primary key,
			memo_id bigint not null references memo (id),
			user_id bigint not null references users (id),
			step integer,
			-- steps that fell due while no runner ran are folded into one reminder
			covers_from_step integer,
			kind text not null check (kind in ('publish', 'before_due', 'due', 'overdue', 'manual')),
			scheduled_for timestamptz not null,
			sent_at timestamptz not null,
			unique (memo_id, user_id, step)
		)
	`.execute(db);
	await sql`create index memo_reminder_memo_idx on memo_reminder (memo_id, user_id)`.execute(db);

	await sql`
		create table memo_escalation (
			id bigint generated always as identity primary key,
			memo_id bigint not null references memo (id),
			manager_id bigint not null references users (id),
			person_ids bigint[] not null,
			created_at timestamptz not null
		)
	`.execute(db);
	await sql`create index memo_escalation_memo_idx on memo_escalation (memo_id, manager_id)`.execute(
		db
	);

	// The record is append-only: versions, acknowledgements and exceptions never change.
	await sql`
		create function refuse_memo_record_change() returns trigger language plpgsql as $$
		begin
			raise exception '% is append-only: % is not allowed', tg_table_name, tg_op
				using errcode = 'insufficient_privilege';
		end;
		$$
	`.execute(db);
	for (const table of ['memo_version', 'memo_acknowledgement', 'memo_exception']) {
		await sql`
			create trigger ${sql.raw(`${table}_append_only`)} before update or delete on ${sql.table(table)}
			for each row execute function refuse_memo_record_change()
		`.execute(db);
	}
}

export async function down(db: Kysely<any>): Promise<void> {
	await sql`
		drop table memo_escalation, memo_reminder, memo_comprehension_attempt, memo_exception,
			memo_acknowledgement, memo_recipient, memo_audience, memo_version, memo
	`.execute(db);
	await sql`drop function if exists refuse_memo_record_change()`.execute(db);
}
