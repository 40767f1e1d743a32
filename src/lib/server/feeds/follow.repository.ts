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
