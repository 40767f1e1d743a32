import type { Insertable, Kysely, Transaction } from 'kysely';
import type { DB, PersonalAccessToken } from '../db/schema.ts';

type Executor = Kysely<DB> | Transaction<DB>;

export async function insertAccessToken(db: Executor, values: Insertable<PersonalAccessToken>) {
	return db
		.insertInto('personalAccessToken')
		.values(values)
		.returning(['id', 'name', 'tokenPrefix', 'createdAt', 'expiresAt'])
		.executeTakeFirstOrThrow();
}

export async function getActiveAccessTokenByHash(db: Executor, tokenHash: string, now: Date) {
	return db
		.selectFrom('personalAccessToken as t')
		.innerJoin('users as u', 'u.id', 't.userId')
		.where('t.tokenHash', '=', tokenHash)
		.where('t.revokedAt', 'is', null)
		.where((eb) => eb.or([eb('t.expiresAt', 'is', null), eb('t.expiresAt', '>', now)]))
		.where('u.status', '=', 'active')
		.select(['t.id', 't.userId', 't.lastUsedAt'])
		.executeTakeFirst();
}

export async function markAccessTokenUsed(db: Executor, id: number, now: Date): Promise<void> {
	await db
		.updateTable('personalAccessToken')
		.set({ lastUsedAt: now })
		.where('id', '=', id)
		.execute();
}

export async function listAccessTokens(db: Executor, userId: number) {
	return db
		.selectFrom('personalAccessToken')
		.where('userId', '=', userId)
		.where('revokedAt', 'is', null)
		.select(['id', 'name', 'tokenPrefix', 'createdAt', 'expiresAt', 'lastUsedAt'])
		.orderBy('createdAt', 'desc')
		.orderBy('id', 'desc')
		.execute();
}

export async function revokeAccessToken(
	db: Executor,
	userId: number,
	id: number,
	now: Date
): Promise<boolean> {
	const result = await db
		.updateTable('personalAccessToken')
		.set({ revokedAt: now })
		.where('id', '=', id)
		.where('userId', '=', userId)
		.where('revokedAt', 'is', null)
		.executeTakeFirst();
	return Number(result.numUpdatedRows) > 0;
}
