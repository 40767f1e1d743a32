import { sql, type Insertable, type Kysely, type Transaction } from 'kysely';
import type { DB, Session } from '../db/schema.ts';

type Executor = Kysely<DB> | Transaction<DB>;

export async function insertSession(db: Executor, values: Insertable<Session>): Promise<void> {
	await db.insertInto('session').values(values).execute();
}

export async function touchSession(
	db: Executor,
	sessionId: string,
	lastSeenAt: Date,
	idleExpiresAt: Date
): Promise<void> {
	await db
		.updateTable('session')
		.set({ lastSeenAt, idleExpiresAt })
		.where('id', '=', sessionId)
		.execute();
}

export async function deleteSession(db: Executor, sessionId: string): Promise<number> {
	const result = await db.deleteFrom('session').where('id', '=', sessionId).executeTakeFirst();
	return Number(result.numDeletedRows);
}

export async function deleteUserSessions(
	db: Executor,
	userId: number,
	exceptSessionId?: string
): Promise<number> {
	let query = db.deleteFrom('session').where('userId', '=', userId);
	if (exceptSessionId) query = query.where('id', '<>', exceptSessionId);
	const result = await query.executeTakeFirst();
	return Number(result.numDeletedRows);
}

export async function listUserSessions(db: Executor, userId: number, now: Date) {
	return db
		.selectFrom('session')
		.where('userId', '=', userId)
		.where('idleExpiresAt', '>', now)
		.where('absoluteExpiresAt', '>', now)
		.select(['id', 'authMethod', 'createdAt', 'lastSeenAt', 'ip', 'userAgent'])
		.orderBy('lastSeenAt', 'desc')
		.execute();
}

/**
 * Of `sessionIds`, those still valid at `now`: not expired, and their person active. One array
 * parameter, however many sockets an instance holds.
 */
export async function listLiveSessionIds(
	db: Executor,
	sessionIds: string[],
	now: Date
): Promise<string[]> {
	if (!sessionIds.length) return [];
	const rows = await db
		.selectFrom('session as s')
		.innerJoin('users as u', 'u.id', 's.userId')
		.where(sql<boolean>`s.id = any(${sessionIds}::text[])`)
		.where('s.idleExpiresAt', '>', now)
		.where('s.absoluteExpiresAt', '>', now)
		.where('u.status', '=', 'active')
		.select('s.id')
		.execute();
	return rows.map((r) => r.id);
}

export async function deleteExpiredSessions(db: Executor, now: Date): Promise<number> {
	const result = await db
		.deleteFrom('session')
		.where((eb) => eb.or([eb('idleExpiresAt', '<=', now), eb('absoluteExpiresAt', '<=', now)]))
		.executeTakeFirst();
	return Number(result.numDeletedRows);
}
