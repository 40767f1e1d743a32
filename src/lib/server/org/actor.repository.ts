import { sql } from 'kysely';
import type { Database } from '../db/index.ts';

export type ActorRow = {
	id: number;
	name: string;
	email: string;
	title: string;
	departmentId: number;
	roleKeys: string[];
	managerOf: number[];
	managedDepartmentIds: number[];
	departmentPath: number[];
	hiddenDepartmentIds: number[];
};

/**
 * The person with everything policies need, in one query: their role keys, the departments they
 * manage directly and with all sub-departments, their own department with its ancestors, and the
 * departments hidden from them (members-only ones they are not in, with everything below).
 */
export async function getActorRow(db: Database, userId: number): Promise<ActorRow | undefined> {
	const { rows } = await sql<ActorRow>`
		with recursive managed as (
			select ra.department_id as id from role_assignment ra
			where ra.user_id = ${userId} and ra.role_key = 'manager'
			union
			select d.id from department d join managed m on d.parent_id = m.id
		), ancestry as (
			select d.id, d.parent_id from department d
			join users u on u.department_id = d.id where u.id = ${userId}
			union all
			select d.id, d.parent_id from department d join ancestry a on d.id = a.parent_id
		), hidden as (
			select d.id from department d
			where d.visibility = 'members-only' and d.id not in (select id from ancestry)
			union
			select d.id from department d join hidden h on d.parent_id = h.id
		)
		select u.id, u.name, u.email, u.title, u.department_id as "departmentId",
			coalesce((select array_agg(distinct ra.role_key) from role_assignment ra where ra.user_id = u.id), '{}') as "roleKeys",
			coalesce((select array_agg(ra.department_id) from role_assignment ra
				where ra.user_id = u.id and ra.role_key = 'manager'), '{}') as "managerOf",
			coalesce((select array_agg(id) from managed), '{}') as "managedDepartmentIds",
			coalesce((select array_agg(id) from ancestry), '{}') as "departmentPath",
			coalesce((select array_agg(id) from hidden), '{}') as "hiddenDepartmentIds"
		from users u
		where u.id = ${userId} and u.status = 'active'
	`.execute(db);
	return rows[0];
}
