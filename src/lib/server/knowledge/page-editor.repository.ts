/**
 * Who may edit a restricted page, and the people a page's settings offer, in SQL.
 */
import { sql } from 'kysely';
import type { Database } from '../db/index.ts';

export async function listEditorIds(db: Database, pageId: number): Promise<number[]> {
	const rows = await db
		.selectFrom('kbPageEditor')
		.where('pageId', '=', pageId)
		.select('userId')
		.execute();
	return rows.map((r) => r.userId);
}

export async function isNamedEditor(
	db: Database,
	pageId: number,
	userId: number
): Promise<boolean> {
	return !!(await db
		.selectFrom('kbPageEditor')
		.where('pageId', '=', pageId)
		.where('userId', '=', userId)
		.select('userId')
		.executeTakeFirst());
}

export async function replaceEditors(
	db: Database,
	pageId: number,
	userIds: number[]
): Promise<void> {
	await db.deleteFrom('kbPageEditor').where('pageId', '=', pageId).execute();
	if (!userIds.length) return;
	await db
		.insertInto('kbPageEditor')
		.values([...new Set(userIds)].map((userId) => ({ pageId, userId })))
		.execute();
}

export async function listPeopleNames(db: Database, ids: number[]): Promise<Map<number, string>> {
	if (!ids.length) return new Map();
	const rows = await db
		.selectFrom('users')
		.where('id', 'in', [...new Set(ids)])
		.select(['id', 'name'])
		.execute();
	return new Map(rows.map((r) => [r.id, r.name]));
}

/**
 * Active people of a space, by name: the department's members and those of its sub-departments
 * (all of whom can see its pages, members-only or not), or everyone for the organisation's space.
 */
export async function listSpacePeople(
	db: Database,
	departmentId: number | null,
	limit: number
): Promise<{ id: number; name: string }[]> {
	if (departmentId === null)
		return db
			.selectFrom('users')
			.where('status', '=', 'active')
			.select(['id', 'name'])
			.orderBy('name')
			.orderBy('id')
			.limit(limit)
			.execute();
	const { rows } = await sql<{ id: number; name: string }>`
		with recursive subtree as (
			select id from department where id = ${departmentId}
			union all
			select d.id from department d join subtree s on d.parent_id = s.id
		)
		select u.id, u.name from users u
		where u.status = 'active' and u.department_id in (select id from subtree)
		order by u.name, u.id
		limit ${limit}
	`.execute(db);
	return rows;
}
