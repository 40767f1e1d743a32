/**
 * The reminder runner's SQL: claiming due recipient rows (FOR UPDATE SKIP LOCKED, so several
 * runners never take the same row), logging reminders and escalations, and writing their
 * notification rows, each step one statement for the whole batch.
 */
import { sql } from 'kysely';
import type { Database } from '../db/index.ts';
import type { ReminderLadder } from '../../shared/schemas/memos.ts';

export type DueRecipient = {
	memoId: number;
	userId: number;
	reminderStep: number;
	deliveredAt: Date;
	dueOn: string;
	reminderLadder: ReminderLadder;
};

/** Pending recipients of published memos whose next reminder is due, locked for this run. */
export async function claimDueReminders(
	db: Database,
	now: Date,
	limit: number
): Promise<DueRecipient[]> {
	const { rows } = await sql<DueRecipient>`
		select r.memo_id, r.user_id, r.reminder_step, r.delivered_at, r.due_on, m.reminder_ladder
		from memo_recipient r join memo m on m.id = r.memo_id
		where r.state = 'pending' and r.next_reminder_at <= ${now} and m.status = 'published'
		order by r.next_reminder_at
		limit ${limit}
		for update of r skip locked
	`.execute(db);
	return rows;
}

export type ReminderToSend = {
	memoId: number;
	userId: number;
	step: number | null;
	coversFromStep: number | null;
	kind: string;
	scheduledFor: Date;
};

/**
 * Logs the reminders and writes one notification for each, in one statement. A step already
 * logged for a person (it cannot be, while rows are claimed, but a unique key guards it) is
 * neither logged nor notified again.
 */
export async function insertReminders(
	db: Database,
	reminders: ReminderToSend[],
	now: Date
): Promise<number> {
	if (!reminders.length) return 0;
	const col = <K extends keyof ReminderToSend>(k: K) => reminders.map((r) => r[k]);
	const { rows } = await sql<{ n: number }>`
		with sent as (
			insert into memo_reminder
				(memo_id, user_id, version, step, covers_from_step, kind, scheduled_for, sent_at)
			select u.memo_id, u.user_id, m.current_version, u.step, u.covers_from_step, u.kind,
				u.scheduled_for, ${now}::timestamptz
			from unnest(
				${col('memoId')}::bigint[], ${col('userId')}::bigint[], ${col('step')}::int[],
				${col('coversFromStep')}::int[], ${col('kind')}::text[],
				${col('scheduledFor').map((d) => d.toISOString())}::timestamptz[]
			) as u(memo_id, user_id, step, covers_from_step, kind, scheduled_for)
			join memo m on m.id = u.memo_id
			-- each step once per person and version (a material amendment restarts the ladder)
			on conflict (memo_id, user_id, version, step) do nothing
			returning id, memo_id, user_id, kind
		),
		notified as (
			insert into notification (recipient_id, kind, actor_id, subject_type, subject_id, context, created_at)
			select s.user_id, 'memo.reminder', null, 'memo_reminder', s.id,
				jsonb_build_object('memoId', m.id, 'title', m.title, 'step', s.kind,
					'dueOn', r.due_on, 'version', m.current_version),
				${now}
			from sent s join memo m on m.id = s.memo_id
				join memo_recipient r on r.memo_id = s.memo_id and r.user_id = s.user_id
			on conflict do nothing
			returning 1
		)
		select count(*)::int as n from notified
	`.execute(db);
	return rows[0]!.n;
}

/** Moves each claimed row to its next step (null: the ladder has ended for that person). */
export async function advanceReminders(
	db: Database,
	rows: { memoId: number; userId: number; step: number; at: Date | null }[]
): Promise<void> {
	if (!rows.length) return;
	await sql`
		update memo_recipient r set reminder_step = n.step, next_reminder_at = n.at
		from unnest(
			${rows.map((r) => r.memoId)}::bigint[], ${rows.map((r) => r.userId)}::bigint[],
			${rows.map((r) => r.step)}::int[], ${rows.map((r) => r.at?.toISOString() ?? null)}::timestamptz[]
		) as n (memo_id, user_id, step, at)
		where r.memo_id = n.memo_id and r.user_id = n.user_id
	`.execute(db);
}

/**
 * One reminder and notification for every pending recipient, outside the ladder: "Remind pending
 * now" (`manual`), or the announcement of a memo whose ladder has no step on publishing
 * (`publish`: people still learn that a memo is addressed to them).
 */
export async function insertManualReminders(
	db: Database,
	memoId: number,
	now: Date,
	kind: 'manual' | 'publish' = 'manual'
) {
	const { rows } = await sql<{ n: number }>`
		with sent as (
			insert into memo_reminder (memo_id, user_id, version, step, kind, scheduled_for, sent_at)
			select r.memo_id, r.user_id, m.current_version, null, ${kind}, ${now}, ${now}
			from memo_recipient r join memo m on m.id = r.memo_id
			where r.memo_id = ${memoId} and r.state = 'pending'
			returning id, memo_id, user_id
		),
		notified as (
			insert into notification (recipient_id, kind, actor_id, subject_type, subject_id, context, created_at)
			select s.user_id, 'memo.reminder', null, 'memo_reminder', s.id,
				jsonb_build_object('memoId', m.id, 'title', m.title, 'step', ${kind}::text,
					'dueOn', m.due_on, 'version', m.current_version),
				${now}
			from sent s join memo m on m.id = s.memo_id
			returning 1
		)
		select count(*)::int as n from notified
	`.execute(db);
	return rows[0]!.n;
}

export async function lastManualReminderAt(db: Database, memoId: number): Promise<Date | null> {
	const row = await db
		.selectFrom('memoReminder')
		.select((eb) => eb.fn.max('sentAt').as('at'))
		.where('memoId', '=', memoId)
		.where('kind', '=', 'manual')
		.executeTakeFirst();
	return (row?.at as Date | null) ?? null;
}

/**
 * Escalation: claims (all at once, so each manager gets one digest per memo and run) pending recipients whose due date has passed and who were not escalated
 * yet (SKIP LOCKED), marks them escalated, finds for each the managers of the nearest department
 * up the tree that has managers (other than the person), and writes one digest per manager and
 * memo listing their overdue people, with its notification. One statement.
 */
export async function escalateOverdue(
	db: Database,
	today: string,
	now: Date
): Promise<{ claimed: number; digests: number }> {
	const { rows } = await sql<{ claimed: number; digests: number }>`
		with recursive claimed as (
			update memo_recipient r set escalated_at = ${now}
			where (r.memo_id, r.user_id) in (
				select r2.memo_id, r2.user_id
				from memo_recipient r2 join memo m on m.id = r2.memo_id
				where r2.state = 'pending' and r2.escalated_at is null and r2.due_on < ${today}::date
					and m.status = 'published'
				for update of r2 skip locked
			)
			returning r.memo_id, r.user_id, r.department_id, r.due_on
		),
		up (memo_id, user_id, department_id, depth) as (
			select memo_id, user_id, department_id, 0 from claimed
			union all
			select up.memo_id, up.user_id, d.parent_id, up.depth + 1
			from up join department d on d.id = up.department_id
			where d.parent_id is not null
		),
		candidates as (
			select up.memo_id, up.user_id, ra.user_id as manager_id, up.depth,
				min(up.depth) over (partition by up.memo_id, up.user_id) as nearest
			from up
				join role_assignment ra on ra.role_key = 'manager' and ra.department_id = up.department_id
				join users mu on mu.id = ra.user_id and mu.status = 'active'
			where ra.user_id <> up.user_id
		),
		digests as (
			insert into memo_escalation (memo_id, manager_id, person_ids, created_at)
			select memo_id, manager_id, array_agg(distinct user_id order by user_id), ${now}
			from candidates where depth = nearest
			group by memo_id, manager_id
			returning id, memo_id, manager_id, person_ids
		),
		notified as (
			insert into notification (recipient_id, kind, actor_id, subject_type, subject_id, context, created_at)
			select g.manager_id, 'memo.escalation', null, 'memo_escalation', g.id,
				jsonb_build_object('memoId', m.id, 'title', m.title, 'people',
					(select jsonb_agg(jsonb_build_object('id', u.id, 'name', u.name) order by u.name)
					 from users u where u.id = any(g.person_ids))),
				${now}
			from digests g join memo m on m.id = g.memo_id
			returning 1
		)
		select (select count(*) from claimed)::int as claimed, (select count(*) from notified)::int as digests
	`.execute(db);
	return rows[0]!;
}
