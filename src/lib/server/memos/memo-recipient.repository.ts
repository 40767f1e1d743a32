/**
 * Recipients of memos: resolving an audience into people in one set-based statement (at publish,
 * for a preview, and for people who join an audience department later), and the per-person
 * record: views, acknowledgements, exceptions and comprehension attempts.
 */
import { sql, type RawBuilder, type Selectable } from 'kysely';
import type { ChainLink } from '../audit/audit.repository.ts';
import type { Database } from '../db/index.ts';
import { prepared } from '../db/prepared.ts';
import type { MemoAcknowledgement, MemoException, MemoRecipient } from '../db/schema.ts';

export type RecipientRow = Selectable<MemoRecipient>;
export type AcknowledgementRow = Selectable<MemoAcknowledgement>;
export type ExceptionRow = Selectable<MemoException>;

/**
 * The audience of the given memos as (memo_id, user_id) rows: active people matched by an
 * inclusion (organisation, department with or without its sub-departments, role, person) and by
 * no exclusion. `people` narrows the people considered (e.g. to those who just moved).
 */
function audienceCte(memoIds: number[], people?: number[]): RawBuilder<unknown> {
	const who = people ? sql`and u.id = any(${people}::bigint[])` : sql``;
	return sql`
		aud_dept (memo_id, exclude, department_id, include_sub) as (
			select a.memo_id, a.exclude, a.department_id, a.include_sub
			from memo_audience a
			where a.kind = 'department' and a.memo_id = any(${memoIds}::bigint[])
			union
			select ad.memo_id, ad.exclude, d.id, true
			from aud_dept ad join department d on d.parent_id = ad.department_id
			where ad.include_sub
		),
		matched (memo_id, user_id, exclude) as (
			select a.memo_id, u.id, a.exclude
			from memo_audience a cross join users u
			where a.memo_id = any(${memoIds}::bigint[])
				and (a.kind = 'organisation' or (a.kind = 'role' and a.role_key = 'staff'))
				and u.status = 'active' ${who}
			union all
			select ad.memo_id, u.id, ad.exclude
			from aud_dept ad join users u on u.department_id = ad.department_id
			where u.status = 'active' ${who}
			union all
			select a.memo_id, u.id, a.exclude
			from memo_audience a join users u on u.id = a.user_id
			where a.memo_id = any(${memoIds}::bigint[]) and a.kind = 'person'
				and u.status = 'active' ${who}
			union all
			select a.memo_id, u.id, a.exclude
			from memo_audience a
				join role_assignment ra on ra.role_key = a.role_key
				join users u on u.id = ra.user_id
			where a.memo_id = any(${memoIds}::bigint[]) and a.kind = 'role' and a.role_key <> 'staff'
				and u.status = 'active' ${who}
		),
		audience (memo_id, user_id) as (
			select memo_id, user_id from matched
			group by memo_id, user_id
			having bool_or(not exclude) and not bool_or(exclude)
		)
	`;
}

/** How many people a memo would reach now, and a sample of their names. */
export async function previewAudience(
	db: Database,
	memoId: number,
	sampleSize = 10
): Promise<{ count: number; sample: { id: number; name: string; departmentName: string }[] }> {
	const { rows } = await sql<{
		count: number;
		sample: { id: number; name: string; departmentName: string }[] | null;
	}>`
		with recursive ${audienceCte([memoId])},
		sample as (
			select u.id, u.name, d.name as department_name
			from audience a join users u on u.id = a.user_id join department d on d.id = u.department_id
			order by u.name, u.id
			limit ${sampleSize}
		)
		select (select count(*) from audience)::int as count,
			(select json_agg(json_build_object('id', id, 'name', name, 'departmentName', department_name))
			 from sample) as sample
	`.execute(db);
	return { count: Number(rows[0]!.count), sample: rows[0]!.sample ?? [] };
}

/**
 * Resolves the memo's audience into recipient rows in one statement, each due on `dueOn`, with
 * the reminder ladder starting now. Returns how many people it reached. The rows go in in
 * person order: the primary key (memo_id, user_id) then grows at its right edge instead of
 * splitting pages all over the memo's range, the per-person index is walked in order, and the
 * report's list (in person order) reads the table in the order it was written.
 */
export async function insertRecipientsForMemo(
	db: Database,
	memoId: number,
	dueOn: string,
	now: Date
): Promise<number> {
	const result = await sql`
		with recursive ${audienceCte([memoId])}
		insert into memo_recipient (memo_id, user_id, department_id, due_on, delivered_at, next_reminder_at)
		select a.memo_id, a.user_id, u.department_id, ${dueOn}::date, ${now}, ${now}
		from audience a join users u on u.id = a.user_id
		order by a.user_id
		on conflict do nothing
	`.execute(db);
	return Number(result.numAffectedRows ?? 0);
}

/**
 * People who joined an audience department (new, or moved) receive the published memos that
 * ask for it, due `later_joiner_days` after today. Also keeps the department of their existing
 * recipient rows current for the roll-up. One statement per step, whatever the number of people.
 */
export async function deliverToLaterJoiners(
	db: Database,
	userIds: number[],
	now: Date
): Promise<{ memoId: number; userId: number }[]> {
	if (!userIds.length) return [];
	await sql`
		update memo_recipient r set department_id = u.department_id
		from users u
		where u.id = r.user_id and r.user_id = any(${userIds}::bigint[])
			and r.department_id <> u.department_id
	`.execute(db);
	const memos = await db
		.selectFrom('memo')
		.select('id')
		.where('status', '=', 'published')
		.where('includeLaterJoiners', '=', true)
		.execute();
	if (!memos.length) return [];
	const today = now.toISOString().slice(0, 10);
	const { rows } = await sql<{ memoId: number; userId: number }>`
		with recursive ${audienceCte(
			memos.map((m) => m.id),
			userIds
		)}
		insert into memo_recipient
			(memo_id, user_id, department_id, due_on, delivered_at, next_reminder_at, joined_later)
		select a.memo_id, a.user_id, u.department_id, ${today}::date + m.later_joiner_days, ${now},
			${now}, true
		from audience a join users u on u.id = a.user_id join memo m on m.id = a.memo_id
		on conflict do nothing
		returning memo_id, user_id
	`.execute(db);
	return rows;
}

export async function getRecipient(
	db: Database,
	memoId: number,
	userId: number
): Promise<RecipientRow | undefined> {
	return db
		.selectFrom('memoRecipient')
		.selectAll()
		.where('memoId', '=', memoId)
		.where('userId', '=', userId)
		.executeTakeFirst();
}

export async function getRecipientForUpdate(db: Database, memoId: number, userId: number) {
	return db
		.selectFrom('memoRecipient')
		.selectAll()
		.where('memoId', '=', memoId)
		.where('userId', '=', userId)
		.forUpdate()
		.executeTakeFirst();
}

/** Records the first opening only: later ones leave it unchanged. */
export async function markViewed(db: Database, memoId: number, userId: number, now: Date) {
	await db
		.updateTable('memoRecipient')
		.set({ firstViewedAt: now })
		.where('memoId', '=', memoId)
		.where('userId', '=', userId)
		.where('firstViewedAt', 'is', null)
		.execute();
}

/**
 * Inserts an acknowledgement and makes it the recipient's current one (acknowledged, this
 * version, no more reminders), in one statement; unless one exists for the same version: then
 * changes nothing and returns undefined.
 */
export async function insertAcknowledgement(
	db: Database,
	ack: Omit<AcknowledgementRow, 'id'>
): Promise<AcknowledgementRow | undefined> {
	return db
		.with('ack', (qb) =>
			qb
				.insertInto('memoAcknowledgement')
				.values(ack)
				.onConflict((oc) => oc.columns(['memoId', 'userId', 'versionNumber']).doNothing())
				.returningAll()
		)
		.with('marked', (qb) =>
			qb
				.updateTable('memoRecipient')
				.from('ack')
				.set((eb) => ({
					state: 'acknowledged',
					acknowledgedAt: eb.ref('ack.acknowledgedAt'),
					acknowledgedVersion: eb.ref('ack.versionNumber'),
					acknowledgementId: eb.ref('ack.id'),
					nextReminderAt: null
				}))
				.whereRef('memoRecipient.memoId', '=', 'ack.memoId')
				.whereRef('memoRecipient.userId', '=', 'ack.userId')
				.returning('memoRecipient.userId')
		)
		.selectFrom('ack')
		.selectAll()
		.executeTakeFirst();
}

/**
 * A person's acknowledgement in one statement, committed on its own (the caller runs it outside
 * any transaction), in this order: lock the memo for share (an amendment or retraction waits,
 * other acknowledgements do not) and the person's row for update (a double click waits here),
 * provided the memo is still published at this version; insert the acknowledgement with its id
 * drawn beforehand, unless one exists for that version; mark the recipient acknowledged; then
 * `appendAudit` (an `append_audit_event` call), which takes the audit chain's lock until the
 * commit that immediately follows. Returns whether the rows were locked, and the inserted
 * acknowledgement with its audit link (none when it already existed).
 */
export async function acknowledgeInOneStatement(
	db: Database,
	ack: AcknowledgementRow,
	appendAudit: RawBuilder<ChainLink>
): Promise<{ locked: boolean; acknowledgement?: AcknowledgementRow; link?: ChainLink }> {
	const { rows } = await sql<
		{ lockedRows: number; auditId: number | null; prevHash: string | null; hash: string | null } & {
			[K in keyof AcknowledgementRow]: AcknowledgementRow[K] | null;
		}
	>`
		with locked as (
			select m.id
			from memo m join memo_recipient r on r.memo_id = m.id and r.user_id = ${ack.userId}
			where m.id = ${ack.memoId} and m.status = 'published'
				and m.current_version = ${ack.versionNumber}
			for share of m for update of r
		),
		ack as (
			insert into memo_acknowledgement
				(id, memo_id, user_id, version_number, content_hash, acknowledged_at, ip, user_agent,
				 attested, on_behalf_by, on_behalf_reason)
			overriding system value
			select ${ack.id}::bigint, ${ack.memoId}::bigint, ${ack.userId}::bigint,
				${ack.versionNumber}::int, ${ack.contentHash}, ${ack.acknowledgedAt}::timestamptz,
				${ack.ip}, ${ack.userAgent}, ${ack.attested}::boolean, ${ack.onBehalfBy}::bigint,
				${ack.onBehalfReason}
			from locked
			on conflict (memo_id, user_id, version_number) do nothing
			returning *
		),
		marked as (
			update memo_recipient r set state = 'acknowledged', acknowledged_at = ack.acknowledged_at,
				acknowledged_version = ack.version_number, acknowledgement_id = ack.id,
				next_reminder_at = null
			from ack where r.memo_id = ack.memo_id and r.user_id = ack.user_id
			returning r.user_id
		),
		-- After the writes above (it reads their output), so the chain's lock comes last.
		audited as (
			select e.id, e.prev_hash, e.hash from marked cross join lateral ${appendAudit} as e
		)
		select (select count(*) from locked)::int as locked_rows, ack.*,
			audited.id as audit_id, audited.prev_hash, audited.hash
		from (select 1) as one left join ack on true left join audited on true
	`.execute(db);
	const { lockedRows, auditId, prevHash, hash, ...row } = rows[0]!;
	if (row.id === null) return { locked: lockedRows > 0 };
	return {
		locked: true,
		acknowledgement: row as AcknowledgementRow,
		link: { id: auditId!, prevHash: prevHash!, hash: hash! }
	};
}

export async function getAcknowledgement(
	db: Database,
	memoId: number,
	userId: number,
	versionNumber: number
): Promise<AcknowledgementRow | undefined> {
	return db
		.selectFrom('memoAcknowledgement')
		.selectAll()
		.where('memoId', '=', memoId)
		.where('userId', '=', userId)
		.where('versionNumber', '=', versionNumber)
		.executeTakeFirst();
}

/**
 * Makes an acknowledgement the recipient's current one. `insertAcknowledgement` already does;
 * kept for the demo seed (src/lib/server/demo/seed-memos.ts), which calls it after
 * `appendAcknowledgement` (harmless: it writes the same values again).
 */
export async function markAcknowledged(db: Database, ack: AcknowledgementRow) {
	await db
		.updateTable('memoRecipient')
		.set({
			state: 'acknowledged',
			acknowledgedAt: ack.acknowledgedAt,
			acknowledgedVersion: ack.versionNumber,
			acknowledgementId: ack.id,
			nextReminderAt: null
		})
		.where('memoId', '=', ack.memoId)
		.where('userId', '=', ack.userId)
		.execute();
}

/**
 * A material amendment: everyone who had acknowledged is pending again, and everyone pending is
 * due no earlier than `dueOn` (a later date of their own, such as an extension, stays). Their
 * reminders restart from the top of the ladder (so they hear of the new version), and those whose
 * due date moved are no longer escalated. Two statements whatever the audience's size; returns
 * how many had acknowledged.
 */
export async function requireAcknowledgementAgain(
	db: Database,
	memoId: number,
	dueOn: string,
	now: Date
): Promise<number> {
	const result = await db
		.updateTable('memoRecipient')
		.set({ state: 'pending', escalatedAt: null })
		.where('memoId', '=', memoId)
		.where('state', '=', 'acknowledged')
		.executeTakeFirst();
	await sql`
		update memo_recipient set
			due_on = greatest(due_on, ${dueOn}::date),
			escalated_at = case when due_on < ${dueOn}::date then null else escalated_at end,
			next_reminder_at = ${now},
			reminder_step = 0
		where memo_id = ${memoId} and state = 'pending'
	`.execute(db);
	return Number(result.numUpdatedRows);
}

export async function insertException(
	db: Database,
	exception: Omit<ExceptionRow, 'id'>
): Promise<ExceptionRow> {
	return db.insertInto('memoException').values(exception).returningAll().executeTakeFirstOrThrow();
}

export async function setDueDate(
	db: Database,
	memoId: number,
	userId: number,
	dueOn: string,
	next: { step: number; at: Date | null }
) {
	await db
		.updateTable('memoRecipient')
		.set({
			dueOn,
			extended: true,
			escalatedAt: null,
			reminderStep: next.step,
			nextReminderAt: next.at
		})
		.where('memoId', '=', memoId)
		.where('userId', '=', userId)
		.execute();
}

export async function insertAttempt(
	db: Database,
	attempt: {
		memoId: number;
		userId: number;
		versionNumber: number;
		answer: number;
		correct: boolean;
		createdAt: Date;
	}
) {
	await db.insertInto('memoComprehensionAttempt').values(attempt).execute();
}

/**
 * The memos a person still owes an acknowledgement, soonest due first (at most 100), as a query
 * to run or to put in another statement (the page frame reads it with the bell's count).
 */
export function pendingForPersonQuery(db: Database, userId: number) {
	return (
		db
			.selectFrom('memoRecipient as r')
			.innerJoin('memo as m', 'm.id', 'r.memoId')
			.select(['m.id', 'm.title', 'm.category', 'm.currentVersion', 'r.dueOn', 'r.firstViewedAt'])
			.where('r.userId', '=', userId)
			.where('r.state', '=', sql.lit('pending'))
			.where('m.status', '=', sql.lit('published'))
			.orderBy('r.dueOn')
			.orderBy('r.memoId')
			// The constants are in the text: a prepared statement's generic plan that does not know
			// its limit assumes a tenth of the rows, and one that does not know the state cannot
			// use the index of pending recipients; either way it is never chosen (db/prepared.ts).
			.limit(sql.lit(100))
	);
}

/** A person's pending memos, soonest due first, as a prepared statement of its own. */
export async function listPendingForPerson(db: Database, userId: number) {
	return pendingForPersonQuery(db, userId).modifyFront(prepared).execute();
}
