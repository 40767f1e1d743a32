import { sql, type RawBuilder } from 'kysely';
import type { Database } from '../db/index.ts';
import { prepared } from '../db/prepared.ts';
import { UNREAD_CAP } from '../../shared/notifications.ts';

/**
 * Stores one notification per recipient in a single statement. Only active people, never the
 * actor, and (when `visibleToDepartmentIds` is given) only people whose department is among
 * them, so nobody is told about something they may not open. A repeat (same recipient, kind and
 * subject) is ignored: editing a post does not mention someone twice.
 */
export async function insertNotifications(
	db: Database,
	input: {
		recipientIds: number[];
		kind: string;
		actorId: number;
		subjectType: string;
		subjectId: number;
		context: Record<string, unknown>;
		visibleToDepartmentIds?: number[];
	}
): Promise<number[]> {
	if (!input.recipientIds.length) return [];
	const departmentFilter = input.visibleToDepartmentIds
		? sql`and u.department_id = any(${input.visibleToDepartmentIds}::bigint[])`
		: sql``;
	const { rows } = await sql<{ id: number }>`
		insert into notification (recipient_id, kind, actor_id, subject_type, subject_id, context)
		select u.id, ${input.kind}, ${input.actorId}, ${input.subjectType}, ${input.subjectId},
			${JSON.stringify(input.context)}::jsonb
		from users u
		where u.id = any(${input.recipientIds}::bigint[])
			and u.status = 'active'
			and u.id <> ${input.actorId}
			${departmentFilter}
		on conflict (recipient_id, kind, subject_type, subject_id) do nothing
		returning recipient_id as id
	`.execute(db);
	return rows.map((r) => Number(r.id));
}

/**
 * A new thread message, for the thread's participants who asked to hear about thread activity
 * (the category is off unless a person turns it on, so only a preference row lets them in), other
 * than the writer and the people it mentions (they have a mention already). One statement.
 */
export async function insertThreadActivity(
	db: Database,
	input: {
		threadId: number;
		messageId: number;
		actorId: number;
		context: Record<string, unknown>;
		exceptIds: number[];
		visibleToDepartmentIds?: number[];
	}
): Promise<number> {
	const departmentFilter = input.visibleToDepartmentIds
		? sql`and u.department_id = any(${input.visibleToDepartmentIds}::bigint[])`
		: sql``;
	const result = await sql`
		insert into notification (recipient_id, kind, actor_id, subject_type, subject_id, context)
		select tp.user_id, 'thread.message', ${input.actorId}, 'message', ${input.messageId},
			${JSON.stringify(input.context)}::jsonb
		from thread_participant tp
			join notification_preference np on np.user_id = tp.user_id
				and np.category = 'thread_activity' and np.delivery <> 'off'
			join users u on u.id = tp.user_id and u.status = 'active'
		where tp.thread_id = ${input.threadId}
			and tp.user_id <> ${input.actorId}
			and tp.user_id <> all(${input.exceptIds}::bigint[])
			${departmentFilter}
		on conflict (recipient_id, kind, subject_type, subject_id) do nothing
	`.execute(db);
	return Number(result.numAffectedRows ?? 0);
}

/**
 * Tells each page's owner, once per review date, that a live page is due for review on or
 * before `today`. The notice row records which date they were told about, so a new review date
 * brings a new notice. One statement.
 */
export async function insertPageReviewNotices(
	db: Database,
	today: string,
	now: Date
): Promise<number> {
	const { rows } = await sql<{ n: number }>`
		with notices as (
			insert into page_review_notice (page_id, owner_id, review_by, created_at)
			select p.id, p.owner_id, p.review_by, ${now}
			from kb_page p join users u on u.id = p.owner_id and u.status = 'active'
			where p.deleted_at is null and p.review_by <= ${today}::date
			on conflict (page_id, review_by, owner_id) do nothing
			returning id, page_id, owner_id, review_by
		),
		notified as (
			insert into notification (recipient_id, kind, actor_id, subject_type, subject_id, context, created_at)
			select n.owner_id, 'page.review', null, 'page_review', n.id,
				jsonb_build_object('pageId', p.id, 'title', p.title, 'reviewBy', n.review_by),
				${now}
			from notices n join kb_page p on p.id = n.page_id
			on conflict do nothing
			returning 1
		)
		select count(*)::int as n from notified
	`.execute(db);
	return rows[0]!.n;
}

/** A notification with what the centre and e-mails show about it. */
export type NotificationDetail = {
	id: number;
	recipientId: number;
	kind: string;
	category: string;
	subjectType: string;
	subjectId: number;
	context: Record<string, unknown>;
	createdAt: Date;
	readAt: Date | null;
	actorId: number | null;
	actorName: string | null;
	threadTitle: string | null;
	postSource: string | null;
};

/** Not turned off by the recipient: what every list and count of theirs shows. */
const shown = sql`not exists (
	select 1 from notification_preference np
	where np.user_id = n.recipient_id and np.category = n.category and np.delivery = 'off'
)`;

/**
 * A person's notifications, newest first, with the names and titles they need, keyset-paginated
 * by (created_at, id): `before` is the cursor `<epoch microseconds>.<id>` of the last row shown.
 * With `ids`, only those (still only the person's own).
 */
export async function listNotificationDetails(
	db: Database,
	recipientId: number,
	options: { limit: number; before?: { micros: number; id: number }; ids?: number[] }
): Promise<(NotificationDetail & { cursor: string })[]> {
	const before = options.before
		? sql`and (n.created_at, n.id) < (timestamptz 'epoch' + ${options.before.micros} * interval '1 microsecond', ${options.before.id})`
		: sql``;
	const only = options.ids ? sql`and n.id = any(${options.ids}::bigint[])` : sql``;
	const { rows } = await sql<NotificationDetail & { cursor: string }>`
		select n.id, n.recipient_id, n.kind, n.category, n.subject_type, n.subject_id, n.context,
			n.created_at, n.read_at, n.actor_id, a.name as actor_name, t.title as thread_title,
			p.body_source as post_source,
			(extract(epoch from n.created_at) * 1000000)::bigint || '.' || n.id as cursor
		from notification n
			left join users a on a.id = n.actor_id
			left join thread t on n.subject_type = 'message'
				and t.id = (n.context ->> 'threadId')::bigint
			left join post p on n.subject_type in ('post', 'comment')
				and p.id = (n.context ->> 'postId')::bigint and p.deleted_at is null
		where n.recipient_id = ${recipientId} and ${shown} ${before} ${only}
		order by n.created_at desc, n.id desc
		limit ${options.limit}
	`.execute(db);
	return rows;
}

/**
 * A person's unread notifications (capped at UNREAD_CAP), as a scalar subquery: `recipient` is
 * their id, or a column of the statement it is put in. The page frame reads it with the memo
 * banner's list; `countUnread` for many people at once.
 */
export function unreadCountOf(recipient: number | RawBuilder<unknown>): RawBuilder<number> {
	return sql<number>`(
		select count(*)::int from (
			select 1 from notification n
			where n.recipient_id = ${recipient} and n.read_at is null and ${shown}
			limit ${UNREAD_CAP}
		) capped
	)`;
}

/** Unread notifications per person (capped at UNREAD_CAP: the bell shows "99+"). */
export async function countUnread(
	db: Database,
	recipientIds: number[]
): Promise<Map<number, number>> {
	const counts = new Map(recipientIds.map((id) => [id, 0]));
	if (!recipientIds.length) return counts;
	const { rows } = await sql<{ recipientId: number; n: number }>`${prepared}
		select r.id as recipient_id, ${unreadCountOf(sql`r.id`)} as n
		from unnest(${recipientIds}::bigint[]) as r (id)
	`.execute(db);
	for (const row of rows) counts.set(Number(row.recipientId), row.n);
	return counts;
}

/** Marks some of a person's notifications read; returns how many changed. */
export async function markNotificationsRead(
	db: Database,
	recipientId: number,
	ids: number[],
	now: Date
): Promise<number> {
	if (!ids.length) return 0;
	const result = await db
		.updateTable('notification')
		.set({ readAt: now })
		.where('recipientId', '=', recipientId)
		.where('id', 'in', ids)
		.where('readAt', 'is', null)
		.executeTakeFirst();
	return Number(result.numUpdatedRows);
}

/** Marks a person's notifications about messages of a thread up to `seq` read (they read them). */
export async function markThreadNotificationsRead(
	db: Database,
	recipientId: number,
	threadId: number,
	seq: number,
	now: Date
): Promise<number> {
	const result = await sql`
		update notification n set read_at = ${now}
		where n.recipient_id = ${recipientId} and n.read_at is null and n.subject_type = 'message'
			and (n.context ->> 'threadId')::bigint = ${threadId}
			and (n.context ->> 'seq')::bigint <= ${seq}
	`.execute(db);
	return Number(result.numAffectedRows ?? 0);
}

/** Marks every unread notification of a person read. */
export async function markAllNotificationsRead(
	db: Database,
	recipientId: number,
	now: Date
): Promise<number> {
	const result = await db
		.updateTable('notification')
		.set({ readAt: now })
		.where('recipientId', '=', recipientId)
		.where('readAt', 'is', null)
		.executeTakeFirst();
	return Number(result.numUpdatedRows);
}

/** One notification of a person (to open its link). */
export async function getNotificationOf(db: Database, recipientId: number, id: number) {
	return db
		.selectFrom('notification')
		.selectAll()
		.where('recipientId', '=', recipientId)
		.where('id', '=', id)
		.executeTakeFirst();
}

export async function listNotificationsForRecipient(db: Database, recipientId: number, limit = 50) {
	return db
		.selectFrom('notification')
		.where('recipientId', '=', recipientId)
		.selectAll()
		.orderBy('createdAt', 'desc')
		.orderBy('id', 'desc')
		.limit(limit)
		.execute();
}

/**
 * Removes the notifications about deleted content (a post with its comments, a comment, a
 * message): they would go on quoting it, counting in the bell and going out in digests. Returns
 * the people who had one, for their new unread counts.
 */
export async function deleteNotificationsAbout(
	db: Database,
	subject: { post: number } | { comment: number } | { message: number }
): Promise<number[]> {
	const about =
		'post' in subject
			? sql`(subject_type = 'post' and subject_id = ${subject.post})
				or (subject_type = 'comment' and subject_id in (
					select id from post_comment where post_id = ${subject.post}))`
			: 'comment' in subject
				? sql`subject_type = 'comment' and subject_id = ${subject.comment}`
				: sql`subject_type = 'message' and subject_id = ${subject.message}`;
	const { rows } = await sql<{ recipientId: number }>`
		delete from notification where ${about} returning recipient_id
	`.execute(db);
	return [...new Set(rows.map((r) => Number(r.recipientId)))];
}

/**
 * Removes the notifications of `recipientIds` (everyone's when omitted) about posts, comments,
 * thread messages and pages in departments now hidden from them: a members-only department they
 * left, or one made members-only (or moved under one). They would go on quoting what they may no
 * longer read. One statement: the department tree's closure says which members-only departments
 * seal each department, and whether the recipient's department is inside them. Returns the people
 * who had one, for their new unread counts. Call in the transaction that narrowed the access.
 */
export async function deleteNotificationsNowHidden(
	db: Database,
	recipientIds?: number[]
): Promise<number[]> {
	if (recipientIds?.length === 0) return [];
	const { rows } = await sql<{ recipientId: number }>`
		with recursive closure (anc, des) as (
			select id, id from department
			union all
			select c.anc, d.id from closure c join department d on d.parent_id = c.des
		),
		sealed as (
			select c.des as department_id, c.anc as sealed_by
			from closure c join department m on m.id = c.anc
			where m.visibility = 'members-only'
		),
		about as (
			select n.id, n.recipient_id,
				case
					when n.subject_type in ('post', 'comment') then (
						select p.department_id from post p where p.id = (n.context ->> 'postId')::bigint)
					when n.subject_type = 'message' then (
						select t.department_id from thread t where t.id = (n.context ->> 'threadId')::bigint)
					else (
						select k.department_id from kb_page k where k.id = (n.context ->> 'pageId')::bigint)
				end as department_id
			from notification n
			where n.subject_type in ('post', 'comment', 'message', 'page_review')
				${recipientIds ? sql`and n.recipient_id = any(${recipientIds}::bigint[])` : sql``}
		)
		delete from notification n
		using about a, users u
		where n.id = a.id and u.id = a.recipient_id
			and exists (
				select 1 from sealed s
				where s.department_id = a.department_id
					and not exists (
						select 1 from closure c where c.anc = s.sealed_by and c.des = u.department_id)
			)
		returning n.recipient_id
	`.execute(db);
	return [...new Set(rows.map((r) => Number(r.recipientId)))];
}
