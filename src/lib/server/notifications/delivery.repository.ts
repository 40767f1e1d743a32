/**
 * The delivery outbox: notifications waiting to be dispatched, the digest queue, and e-mails as
 * rows with a state. Every step is one statement for a whole batch.
 */
import { sql } from 'kysely';
import type { Database } from '../db/index.ts';

export const EMAIL_TASK = 'notification_email';
/** Attempts per e-mail; graphile-worker waits e^n seconds after the n-th failure (about 9 h in all). */
export const EMAIL_MAX_ATTEMPTS = 10;

export type Undispatched = { id: number; recipientId: number; category: string };

/** The oldest notifications not dispatched yet, locked for this transaction. */
export async function claimUndispatched(db: Database, limit: number): Promise<Undispatched[]> {
	const { rows } = await sql<Undispatched>`
		select id, recipient_id, category from notification
		where dispatched_at is null
		order by id limit ${limit}
		for update skip locked
	`.execute(db);
	return rows.map((r) => ({ ...r, id: Number(r.id), recipientId: Number(r.recipientId) }));
}

export async function markDispatched(db: Database, ids: number[], now: Date): Promise<void> {
	if (!ids.length) return;
	await db.updateTable('notification').set({ dispatchedAt: now }).where('id', 'in', ids).execute();
}

export async function queueForDigest(
	db: Database,
	items: { notificationId: number; userId: number }[],
	now: Date
): Promise<void> {
	if (!items.length) return;
	await db
		.insertInto('notificationDigestItem')
		.values(items.map((i) => ({ ...i, createdAt: now })))
		.onConflict((oc) => oc.column('notificationId').doNothing())
		.execute();
}

/** One e-mail per notification (the unique index makes a repeat a no-op); returns the new ids. */
export async function insertImmediateEmails(
	db: Database,
	items: { notificationId: number; userId: number; category: string }[],
	now: Date
): Promise<number[]> {
	if (!items.length) return [];
	const { rows } = await sql<{ id: number }>`
		insert into notification_email (user_id, kind, category, notification_ids, created_at)
		select u, 'immediate', c, array[n], ${now}
		from unnest(${items.map((i) => i.userId)}::bigint[], ${items.map((i) => i.category)}::text[],
			${items.map((i) => i.notificationId)}::bigint[]) as x (u, c, n)
		on conflict do nothing
		returning id
	`.execute(db);
	return rows.map((r) => Number(r.id));
}

/**
 * Adds a send job per e-mail in the caller's transaction, keyed by the e-mail so it exists once.
 * `unsafe_dedupe` leaves a job already waiting (or retrying) alone. Without the job schema (no
 * worker has started yet) the rows wait: the start-up sweep enqueues them.
 */
export async function enqueueEmailJobs(db: Database, emailIds: number[]): Promise<void> {
	if (!emailIds.length) return;
	const { rows } = await sql<{
		ready: boolean;
	}>`select to_regnamespace('graphile_worker') is not null as ready`.execute(db);
	if (!rows[0]?.ready) return;
	await sql`
		select graphile_worker.add_job(${EMAIL_TASK}, json_build_object('emailId', e),
			max_attempts := ${EMAIL_MAX_ATTEMPTS}, job_key := ${EMAIL_TASK} || ':' || e,
			job_key_mode := 'unsafe_dedupe')
		from unnest(${emailIds}::bigint[]) as e
	`.execute(db);
}

/** E-mails waiting to be sent (a job lost before the worker's schema existed, say). */
export async function listPendingEmailIds(db: Database, limit: number): Promise<number[]> {
	const rows = await db
		.selectFrom('notificationEmail')
		.select('id')
		.where('state', '=', 'pending')
		.orderBy('createdAt')
		.limit(limit)
		.execute();
	return rows.map((r) => r.id);
}

/**
 * People whose digest hour has come in their own time zone today, who have no digest for that
 * local day yet and an item queued before that hour, with that day. Items that arrive after the
 * hour wait for the next day's digest (a day without a digest at its hour does not send one at
 * the first event after it); items from before the hour are sent late rather than never when
 * the jobs did not run at the hour.
 */
export async function listDueDigests(
	db: Database,
	now: Date,
	defaults: { timeZone: string; hour: number },
	limit: number
): Promise<{ userId: number; day: string }[]> {
	const { rows } = await sql<{ userId: number; day: string }>`
		with waiting as (
			select i.user_id, min(i.created_at) as first_queued_at
			from notification_digest_item i group by i.user_id
		),
		zoned as (
			select w.user_id, w.first_queued_at,
				coalesce(s.time_zone, ${defaults.timeZone}) as time_zone,
				coalesce(s.digest_hour, ${defaults.hour}) as hour
			from waiting w left join notification_setting s on s.user_id = w.user_id
		),
		local as (
			select z.user_id, z.first_queued_at, z.time_zone, z.hour,
				${now}::timestamptz at time zone z.time_zone as at
			from zoned z
		)
		select l.user_id, l.at::date::text as day
		from local l
		where extract(hour from l.at) >= l.hour
			-- The digest's moment that local day, as a point in time.
			and l.first_queued_at <= (l.at::date + make_interval(hours => l.hour)) at time zone l.time_zone
			and not exists (
				select 1 from notification_email e
				where e.user_id = l.user_id and e.kind = 'digest' and e.digest_day = l.at::date
			)
		order by l.user_id
		limit ${limit}
	`.execute(db);
	return rows.map((r) => ({ userId: Number(r.userId), day: r.day }));
}

/**
 * Takes each person's queued items and writes one digest e-mail per person and local day with the
 * unread ones whose category is still delivered by digest (read ones were seen already). The
 * unique index on (person, day) makes a second digest that day impossible. Returns the new
 * e-mails' ids.
 */
export async function createDigests(
	db: Database,
	due: { userId: number; day: string }[],
	now: Date
): Promise<number[]> {
	if (!due.length) return [];
	const { rows } = await sql<{ id: number }>`
		with due as (
			select * from unnest(${due.map((d) => d.userId)}::bigint[], ${due.map((d) => d.day)}::date[])
				as d (user_id, day)
		),
		taken as (
			delete from notification_digest_item i using due
			where i.user_id = due.user_id
			returning i.user_id, i.notification_id
		),
		wanted as (
			select t.user_id, array_agg(n.id order by n.created_at, n.id) as ids
			from taken t join notification n on n.id = t.notification_id
			where n.read_at is null
				and not exists (
					select 1 from notification_preference np
					where np.user_id = t.user_id and np.category = n.category
						and np.delivery in ('app', 'off')
				)
			group by t.user_id
		)
		insert into notification_email (user_id, kind, category, notification_ids, digest_day, created_at)
		select w.user_id, 'digest', 'digest', w.ids, due.day, ${now}
		from wanted w join due on due.user_id = w.user_id
		on conflict do nothing
		returning id
	`.execute(db);
	return rows.map((r) => Number(r.id));
}

export type EmailRow = {
	id: number;
	userId: number;
	kind: 'immediate' | 'digest';
	category: string;
	notificationIds: number[];
	digestDay: string | null;
	state: 'pending' | 'sending' | 'sent' | 'failed';
	attempts: number;
};

/** Moves a pending e-mail to `sending` (committed before the SMTP conversation starts). */
export async function claimEmail(
	db: Database,
	id: number,
	now: Date
): Promise<EmailRow | undefined> {
	return (await db
		.updateTable('notificationEmail')
		.set((eb) => ({ state: 'sending', attempts: eb('attempts', '+', 1), claimedAt: now }))
		.where('id', '=', id)
		.where('state', '=', 'pending')
		.returning([
			'id',
			'userId',
			'kind',
			'category',
			'notificationIds',
			'digestDay',
			'state',
			'attempts'
		])
		.executeTakeFirst()) as EmailRow | undefined;
}

export async function getEmail(db: Database, id: number) {
	return db
		.selectFrom('notificationEmail')
		.select(['id', 'state', 'attempts'])
		.where('id', '=', id)
		.executeTakeFirst();
}

export async function finishEmail(
	db: Database,
	id: number,
	outcome: { state: 'sent' | 'pending' | 'failed'; error?: string },
	now: Date
): Promise<void> {
	await db
		.updateTable('notificationEmail')
		.set({
			state: outcome.state,
			lastError: outcome.error?.slice(0, 1000) ?? null,
			sentAt: outcome.state === 'sent' ? now : null
		})
		.where('id', '=', id)
		.execute();
}

/** For the administration page: e-mails by state over the last day, and the oldest waiting. */
export async function emailStats(db: Database, since: Date) {
	const { rows } = await sql<{ state: string; n: number }>`
		select state, count(*)::int as n from notification_email
		where created_at >= ${since} or state <> 'sent'
		group by state
	`.execute(db);
	const counts = { pending: 0, sending: 0, sent: 0, failed: 0 } as Record<string, number>;
	for (const row of rows) counts[row.state] = row.n;
	const last = await db
		.selectFrom('notificationEmail')
		.select(['lastError', 'createdAt'])
		.where('state', 'in', ['pending', 'failed'])
		.where('lastError', 'is not', null)
		.orderBy('createdAt', 'desc')
		.limit(1)
		.executeTakeFirst();
	return { counts, lastError: last?.lastError ?? null };
}
