import type { Database } from '../db/index.ts';

export async function listRoleAssignments(db: Database, userId: number) {
	return db
		.selectFrom('roleAssignment')
		.where('userId', '=', userId)
		.select(['roleKey', 'departmentId'])
		.orderBy('roleKey')
		.execute();
}

export async function replaceRoleAssignments(
	db: Database,
	userId: number,
	assignments: { roleKey: string; departmentId: number | null }[]
): Promise<void> {
	await db.deleteFrom('roleAssignment').where('userId', '=', userId).execute();
	if (assignments.length) {
		await db
			.insertInto('roleAssignment')
			.values(assignments.map((a) => ({ ...a, userId })))
			.execute();
	}
}

export async function countActiveAdmins(db: Database, exceptUserId?: number): Promise<number> {
	let query = db
		.selectFrom('roleAssignment as r')
		.innerJoin('users as u', 'u.id', 'r.userId')
		.where('r.roleKey', '=', 'admin')
		.where('u.status', '=', 'active');
	if (exceptUserId !== undefined) query = query.where('u.id', '<>', exceptUserId);
	const row = await query
		.select((eb) => eb.fn.countAll<number>().as('n'))
		.executeTakeFirstOrThrow();
	return Number(row.n);
}
