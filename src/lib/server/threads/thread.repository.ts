import { sql } from 'kysely';
import type { Database } from '../db/index.ts';

export type ThreadRow = {
	id: number;
	title: string;
	departmentId: number | null;
	subjectType: string | null;
	subjectId: number | null;
	announceOnly: boolean;
	createdBy: number;
	createdAt: Date;
	lastSeq: number;
	lastMessageAt: Date | null;
};

const threadColumns = [
	'thread.id',
	'thread.title',
	'thread.departmentId',
	'thread.subjectType',
	'thread.subjectId',
	'thread.announceOnly',
	'thread.createdBy',
	'thread.createdAt',
	'thread.lastSeq',
	'thread.lastMessageAt'
] as const;

export async function insertThread(
	db: Database,
	values: {
		title: string;
		departmentId: number | null;
		announceOnly: boolean;
		createdBy: number;
		subjectType?: string;
		subjectId?: number;
	}
): Promise<ThreadRow | undefined> {
	return db
		.insertInto('thread')
		.values(values)
		.onConflict((oc) =>
			oc.columns(['subjectType', 'subjectId']).where('subjectType', 'is not', null).doNothing()
		)
		.returning(threadColumns)
		.executeTakeFirst();
}

export async function getThread(db: Database, id: number): Promise<ThreadRow | undefined> {
	return db.selectFrom('thread').where('id', '=', id).select(threadColumns).executeTakeFirst();
}

export async function getThreadBySubject(db: Database, type: string, id: number) {
	return db
		.selectFrom('thread')
		.where('subjectType', '=', type)
		.where('subjectId', '=', id)
		.select(threadColumns)
		.executeTakeFirst();
}

/** Takes the thread's row lock and hands out its next sequence number. */
export async function nextSequence(db: Database, threadId: number, at: Date): Promise<number> {
	const row = await db
		.updateTable('thread')
		.set({ lastSeq: sql`last_seq + 1`, lastMessageAt: at })
		.where('id', '=', threadId)
		.returning('lastSeq')
		.executeTakeFirstOrThrow();
	return row.lastSeq;
}

/** Locks the thread row so concurrent sends to it queue up here. */
export async function lockThread(db: Database, threadId: number): Promise<void> {
	await db.selectFrom('thread').where('id', '=', threadId).select('id').forUpdate().execute();
}

/** Threads of one home (a department, or the organisation when null), most recently active first. */
export async function listThreadsIn(db: Database, departmentId: number | null, limit: number) {
	return db
		.selectFrom('thread')
		.leftJoin('department as d', 'd.id', 'thread.departmentId')
		.where((eb) =>
			departmentId === null
				? eb('thread.departmentId', 'is', null)
				: eb('thread.departmentId', '=', departmentId)
		)
		.select([...threadColumns, 'd.name as departmentName', 'd.slug as departmentSlug'])
		.orderBy(sql`thread.last_message_at desc nulls last`)
		.orderBy('thread.id', 'desc')
		.limit(limit)
		.execute();
}

/** The threads a person takes part in, with their read position, most recently active first. */
export async function listThreadsOfParticipant(
	db: Database,
	userId: number,
	hiddenDepartmentIds: number[],
	limit: number
) {
	return db
		.selectFrom('threadParticipant as p')
		.innerJoin('thread', 'thread.id', 'p.threadId')
		.leftJoin('department as d', 'd.id', 'thread.departmentId')
		.where('p.userId', '=', userId)
		.$if(hiddenDepartmentIds.length > 0, (q) =>
			q.where((eb) =>
				eb.or([
					eb('thread.departmentId', 'is', null),
					eb('thread.departmentId', 'not in', hiddenDepartmentIds)
				])
			)
		)
		.select([
			...threadColumns,
			'd.name as departmentName',
			'd.slug as departmentSlug',
			'p.lastReadSeq'
		])
		.orderBy(sql`thread.last_message_at desc nulls last`)
		.orderBy('thread.id', 'desc')
		.limit(limit)
		.execute();
}

export async function getDepartmentRef(db: Database, id: number) {
	return db
		.selectFrom('department')
		.where('id', '=', id)
		.select(['id', 'name', 'slug'])
		.executeTakeFirst();
}

/** Makes the person a participant (idempotent) and returns their read position. */
export async function ensureParticipant(db: Database, threadId: number, userId: number) {
	await db
		.insertInto('threadParticipant')
		.values({ threadId, userId })
		.onConflict((oc) => oc.doNothing())
		.execute();
	const row = await db
		.selectFrom('threadParticipant')
		.where('threadId', '=', threadId)
		.where('userId', '=', userId)
		.select('lastReadSeq')
		.executeTakeFirstOrThrow();
	return row.lastReadSeq;
}

/** Moves the read position forward only (a late, stale mark never moves it back). */
export async function advanceReadPosition(
	db: Database,
	threadId: number,
	userId: number,
	seq: number
): Promise<number> {
	const row = await db
		.insertInto('threadParticipant')
		.values({ threadId, userId, lastReadSeq: seq })
		.onConflict((oc) =>
			oc.columns(['userId', 'threadId']).doUpdateSet({
				lastReadSeq: sql`greatest(thread_participant.last_read_seq, excluded.last_read_seq)`
			})
		)
		.returning('lastReadSeq')
		.executeTakeFirstOrThrow();
	return row.lastReadSeq;
}

export async function listParticipantIds(db: Database, threadId: number): Promise<number[]> {
	const rows = await db
		.selectFrom('threadParticipant')
		.where('threadId', '=', threadId)
		.select('userId')
		.execute();
	return rows.map((r) => r.userId);
}

/** How many participants have read up to at least each of these sequence numbers. */
export async function countReadersAtLeast(db: Database, threadId: number, seq: number) {
	const row = await db
		.selectFrom('threadParticipant')
		.where('threadId', '=', threadId)
		.where('lastReadSeq', '>=', seq)
		.select((eb) => eb.fn.countAll<number>().as('n'))
		.executeTakeFirstOrThrow();
	return Number(row.n);
}

/** Read positions of the thread's most up-to-date readers, for "seen by" (at most `limit`). */
export async function listReadPositions(db: Database, threadId: number, limit = 200) {
	const rows = await db
		.selectFrom('threadParticipant')
		.where('threadId', '=', threadId)
		.where('lastReadSeq', '>', 0)
		.select(['userId', 'lastReadSeq'])
		.orderBy('lastReadSeq', 'desc')
		.limit(limit)
		.execute();
	return Object.fromEntries(rows.map((r) => [r.userId, r.lastReadSeq])) as Record<number, number>;
}

/** The department of each thread (null: the organisation's), for room checks after access changes. */
export async function listThreadDepartments(
	db: Database,
	ids: number[]
): Promise<Map<number, number | null>> {
	if (!ids.length) return new Map();
	const rows = await db
		.selectFrom('thread')
		.select(['id', 'departmentId'])
		.where('id', 'in', ids)
		.execute();
	return new Map(rows.map((r) => [r.id, r.departmentId]));
}
