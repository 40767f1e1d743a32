import { sql, type Kysely } from 'kysely';

/**
 * Delivering notifications: each notification row gets a category (a pure function of its kind,
 * stored so lists and counts can filter on it) and a dispatch mark; a trigger wakes the dispatch
 * job in the transaction that inserts rows. People choose per category how they hear (email at
 * once, a daily digest, in the app only, or not at all) and when their digest comes. E-mails are
 * rows with a state (the outbox): the send job claims one, sends it and marks it sent, so a retry
 * after a crash or restart never sends it twice; a digest is unique per person and local day.
 * Page-review notices record which review date of a page its owner was told about.
 */
export async function up(db: Kysely<any>): Promise<void> {
	await sql`alter table notification add column dispatched_at timestamptz`.execute(db);
	// Rows written before this migration were never meant to be e-mailed: they count as dispatched.
	await sql`update notification set dispatched_at = created_at`.execute(db);
	await sql`
		alter table notification add column category text not null generated always as (
			case
				when kind = 'mention' then 'mention'
				when kind = 'reply' then 'reply'
				when kind = 'thread.message' then 'thread_activity'
				when kind = 'memo.reminder' and context ->> 'step' = 'publish' then 'memo'
				when kind = 'memo.reminder' then 'memo_reminder'
				when kind = 'memo.escalation' then 'memo_escalation'
				when kind = 'page.review' then 'page_review'
				else 'other'
			end
		) stored
	`.execute(db);
	await sql`
		create index notification_undispatched_idx on notification (id) where dispatched_at is null
	`.execute(db);
	// The bell: unread rows per person.
	await sql`
		create index notification_unread_idx on notification (recipient_id, category)
		where read_at is null
	`.execute(db);

	const categories = sql.raw(
		`'mention', 'reply', 'thread_activity', 'memo', 'memo_reminder', 'memo_escalation', 'page_review'`
	);
	await sql`
		create table notification_preference (
			user_id bigint not null references users (id) on delete cascade,
			category text not null check (category in (${categories})),
			delivery text not null check (delivery in ('immediately', 'digest', 'app', 'off')),
			updated_at timestamptz not null default now(),
			primary key (user_id, category),
			-- a memo someone must acknowledge always reaches them by e-mail, at least in the digest
			constraint notification_preference_memos_by_email
				check (category not in ('memo', 'memo_reminder') or delivery in ('immediately', 'digest'))
		)
	`.execute(db);
	await sql`
		create table notification_setting (
			user_id bigint primary key references users (id) on delete cascade,
			time_zone text not null check (length(time_zone) between 1 and 64),
			digest_hour smallint not null check (digest_hour between 0 and 23),
			updated_at timestamptz not null default now()
		)
	`.execute(db);

	// Notifications waiting for their recipient's next digest.
	await sql`
		create table notification_digest_item (
			notification_id bigint primary key references notification (id) on delete cascade,
			user_id bigint not null references users (id) on delete cascade,
			created_at timestamptz not null default now()
		)
	`.execute(db);
	await sql`create index notification_digest_item_user_idx on notification_digest_item (user_id)`.execute(
		db
	);

	await sql`
		create table notification_email (
			id bigint generated always as identity primary key,
			user_id bigint not null references users (id) on delete cascade,
			kind text not null check (kind in ('immediate', 'digest')),
			-- what the one-click unsubscribe of this e-mail turns off ('digest': the digest's categories)
			category text not null,
			notification_ids bigint[] not null check (cardinality(notification_ids) > 0),
			-- the recipient's local day a digest covers: at most one digest per person and day
			digest_day date,
			state text not null default 'pending'
				check (state in ('pending', 'sending', 'sent', 'failed')),
			attempts integer not null default 0,
			last_error text,
			created_at timestamptz not null default now(),
			claimed_at timestamptz,
			sent_at timestamptz,
			constraint notification_email_digest_day check ((kind = 'digest') = (digest_day is not null))
		)
	`.execute(db);
	await sql`
		create unique index notification_email_digest_once_idx on notification_email (user_id, digest_day)
		where kind = 'digest'
	`.execute(db);
	await sql`
		create unique index notification_email_immediate_once_idx
		on notification_email ((notification_ids[1])) where kind = 'immediate'
	`.execute(db);
	await sql`
		create index notification_email_open_idx on notification_email (created_at)
		where state <> 'sent'
	`.execute(db);

	// The key that signs unsubscribe links, made by the app on first use.
	await sql`
		create table notification_signing_key (
			id smallint primary key check (id = 1),
			secret bytea not null check (length(secret) >= 32),
			created_at timestamptz not null default now()
		)
	`.execute(db);

	await sql`
		create table page_review_notice (
			id bigint generated always as identity primary key,
			page_id bigint not null references kb_page (id) on delete cascade,
			owner_id bigint not null references users (id) on delete cascade,
			review_by date not null,
			created_at timestamptz not null default now(),
			unique (page_id, review_by, owner_id)
		)
	`.execute(db);

	// Wakes the dispatch job when rows are inserted, on commit (graphile-worker's add_job notifies
	// its listeners then). One waiting job at most: the job key folds wake-ups together. Before the
	// worker's schema exists, rows wait for the dispatch at start-up.
	await sql`
		create function notification_wake() returns trigger language plpgsql as $$
		begin
			if to_regnamespace('graphile_worker') is not null
				and exists (select 1 from inserted where dispatched_at is null) then
				perform graphile_worker.add_job('notifications_dispatch', '{}'::json,
					queue_name := 'notifications', job_key := 'notifications_dispatch');
			end if;
			return null;
		end
		$$
	`.execute(db);
	await sql`
		create trigger notification_wake after insert on notification
		referencing new table as inserted
		for each statement execute function notification_wake()
	`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
	await sql`drop trigger notification_wake on notification`.execute(db);
	await sql`drop function notification_wake()`.execute(db);
	for (const table of [
		'page_review_notice',
		'notification_signing_key',
		'notification_email',
		'notification_digest_item',
		'notification_setting',
		'notification_preference'
	])
		await db.schema.dropTable(table).execute();
	await sql`drop index notification_unread_idx`.execute(db);
	await sql`drop index notification_undispatched_idx`.execute(db);
	await sql`alter table notification drop column category`.execute(db);
	await sql`alter table notification drop column dispatched_at`.execute(db);
}
