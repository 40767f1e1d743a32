import { sql } from 'kysely';
import type { Database } from '../db/index.ts';

export async function insertDepartmentFollow(db: Database, userId: number, departmentId: number) {
	await db
		.insertInto('departmentFollow')
		.values({ userId, departmentId })
		.onConflict((oc) => oc.doNothing())
		.execute();
}

export async function deleteDepartmentFollow(db: Database, userId: number, departmentId: number) {
	await db
		.deleteFrom('departmentFollow')
		.where('userId', '=', userId)
		.where('departmentId', '=', departmentId)
		.execute();
}

export async function listFollowedDepartmentIds(db: Database, userId: number): Promise<number[]> {
	const rows = await db
		.selectFrom('departmentFollow')
		.where('userId', '=', userId)
		.select('departmentId')
		.execute();
	return rows.map((r) => r.departmentId);
}

/** The departments each of `userIds` follows. */
export async function listFollowedDepartmentsOfPeople(
	db: Database,
	userIds: number[]
): Promise<Map<number, number[]>> {
	const followed = new Map<number, number[]>();
	if (!userIds.length) return followed;
	const rows = await db
		.selectFrom('departmentFollow')
		.where('userId', 'in', userIds)
		.select(['userId', 'departmentId'])
		.execute();
	for (const r of rows) followed.set(r.userId, [...(followed.get(r.userId) ?? []), r.departmentId]);
	return followed;
}

export async function insertPersonFollow(db: Database, followerId: number, followeeId: number) {
	await db
		.insertInto('personFollow')
		.values({ followerId, followeeId })
		.onConflict((oc) => oc.doNothing())
		.execute();
}

export async function deletePersonFollow(db: Database, followerId: number, followeeId: number) {
	await db
		.deleteFrom('personFollow')
		.where('followerId', '=', followerId)
		.where('followeeId', '=', followeeId)
		.execute();
}

export async function listFollowedPersonIds(db: Database, followerId: number): Promise<number[]> {
	const rows = await db
		.selectFrom('personFollow')
		.where('followerId', '=', followerId)
		.select('followeeId')
		.execute();
	return rows.map((r) => r.followeeId);
}

export async function countDepartmentFollowers(db: Database, departmentId: number) {
	const row = await db
		.selectFrom('departmentFollow')
		.where('departmentId', '=', departmentId)
		.select((eb) => eb.fn.countAll<number>().as('n'))
		.executeTakeFirstOrThrow();
	return Number(row.n);
}

/** Everything a person follows, departments and people, in one query. */
export async function listFollows(
	db: Database,
	userId: number
): Promise<{ departmentIds: number[]; personIds: number[] }> {
	const { rows } = await sql<{ kind: 'department' | 'person'; id: number }>`
		select 'department' as kind, department_id as id from department_follow where user_id = ${userId}
		union all
		select 'person', followee_id from person_follow where follower_id = ${userId}
	`.execute(db);
	return {
		departmentIds: rows.filter((r) => r.kind === 'department').map((r) => Number(r.id)),
		personIds: rows.filter((r) => r.kind === 'person').map((r) => Number(r.id))
	};
}
