import { sql } from 'kysely';
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

/**
 * Serialises changes that could remove the last active administrator (role changes,
 * deactivation) until the calling transaction ends: without it, two administrators removing each
 * other at the same moment would each count the other and both succeed.
 */
export async function lockAdministrators(trx: Database): Promise<void> {
	await sql`select pg_advisory_xact_lock(hashtext('commons.admins'))`.execute(trx);
}

/** Active administrators other than `exceptUserId`; call lockAdministrators first in a transaction. */
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

/** Every active administrator's id; call lockAdministrators first in a transaction. */
export async function listActiveAdminIds(db: Database): Promise<number[]> {
	const rows = await db
		.selectFrom('roleAssignment as r')
		.innerJoin('users as u', 'u.id', 'r.userId')
		.where('r.roleKey', '=', 'admin')
		.where('u.status', '=', 'active')
		.select('u.id')
		.execute();
	return rows.map((r) => r.id);
}

export async function isActiveAdmin(db: Database, userId: number): Promise<boolean> {
	const row = await db
		.selectFrom('roleAssignment')
		.where('userId', '=', userId)
		.where('roleKey', '=', 'admin')
		.select('userId')
		.executeTakeFirst();
	return row !== undefined;
}
