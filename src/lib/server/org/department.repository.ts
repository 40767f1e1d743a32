import { sql } from 'kysely';
import type { Database } from '../db/index.ts';

export type DepartmentSummary = {
	id: number;
	slug: string;
	name: string;
	description: string;
	parentId: number | null;
	visibility: string;
	memberCount: number;
};

/** Departments with their active members counted, by name; each caller narrows it. */
function departmentsWithMemberCounts(db: Database) {
	return db
		.selectFrom('department as d')
		.leftJoin('users as u', (join) =>
			join.onRef('u.departmentId', '=', 'd.id').on('u.status', '=', 'active')
		)
		.groupBy('d.id')
		.select((eb) => [
			'd.id',
			'd.slug',
			'd.name',
			'd.description',
			'd.parentId',
			'd.visibility',
			eb.fn.count<number>('u.id').as('memberCount')
		])
		.orderBy('d.name');
}

/**
 * The departments a viewer may see (all but `hiddenDepartmentIds`: the members-only ones they are
 * not a member of), with their active member counts.
 */
export async function listDepartmentsWithMemberCounts(
	db: Database,
	hiddenDepartmentIds: readonly number[]
): Promise<DepartmentSummary[]> {
	return departmentsWithMemberCounts(db)
		.where(sql<boolean>`d.id <> all(${[...hiddenDepartmentIds]}::bigint[])`)
		.execute();
}

export type DepartmentRecord = {
	id: number;
	slug: string;
	name: string;
	description: string;
	parentId: number | null;
	visibility: string;
};

const departmentColumns = ['id', 'slug', 'name', 'description', 'parentId', 'visibility'] as const;

export async function getDepartment(
	db: Database,
	id: number
): Promise<DepartmentRecord | undefined> {
	return db
		.selectFrom('department')
		.where('id', '=', id)
		.select(departmentColumns)
		.executeTakeFirst();
}

export async function getDepartmentBySlug(
	db: Database,
	slug: string
): Promise<DepartmentRecord | undefined> {
	return db
		.selectFrom('department')
		.where('slug', '=', slug)
		.select(departmentColumns)
		.executeTakeFirst();
}

export async function getDepartmentsBySlugs(
	db: Database,
	slugs: string[]
): Promise<DepartmentRecord[]> {
	if (slugs.length === 0) return [];
	return db.selectFrom('department').where('slug', 'in', slugs).select(departmentColumns).execute();
}

export async function getDepartmentsByIds(
	db: Database,
	ids: number[]
): Promise<DepartmentRecord[]> {
	if (ids.length === 0) return [];
	return db
		.selectFrom('department')
		.where('id', 'in', [...new Set(ids)])
		.select(departmentColumns)
		.execute();
}

/** Every department (members-only included), without counting anyone: for menus and lists. */
export async function listDepartmentRecords(db: Database): Promise<DepartmentRecord[]> {
	return db.selectFrom('department').select(departmentColumns).orderBy('name').execute();
}

/**
 * A department's parent and sub-departments (members-only included), each with its active
 * members counted: counting only these reads a few departments' people, where counting every
 * department read the whole organisation (9 ms for 20,000 people, on every department page).
 */
export async function listDepartmentNeighbours(
	db: Database,
	department: { id: number; parentId: number | null }
): Promise<(DepartmentRecord & { memberCount: number })[]> {
	return departmentsWithMemberCounts(db)
		.where((eb) =>
			eb.or([
				eb('d.parentId', '=', department.id),
				...(department.parentId === null ? [] : [eb('d.id', '=', department.parentId)])
			])
		)
		.execute();
}

/** Every department (members-only included), for administrators. */
export async function listAllDepartments(
	db: Database
): Promise<(DepartmentRecord & { memberCount: number })[]> {
	return departmentsWithMemberCounts(db).execute();
}

export async function insertDepartment(
	db: Database,
	values: Omit<DepartmentRecord, 'id'>
): Promise<DepartmentRecord> {
	return db
		.insertInto('department')
		.values(values)
		.returning(departmentColumns)
		.executeTakeFirstOrThrow();
}

export async function updateDepartmentRow(
	db: Database,
	id: number,
	values: Partial<Omit<DepartmentRecord, 'id'>>
): Promise<DepartmentRecord> {
	return db
		.updateTable('department')
		.set({ ...values, updatedAt: new Date() })
		.where('id', '=', id)
		.returning(departmentColumns)
		.executeTakeFirstOrThrow();
}

/** The department and all its sub-departments' ids. */
export async function listSubtreeIds(db: Database, departmentId: number): Promise<number[]> {
	const { rows } = await sql<{ id: number }>`
		with recursive sub as (
			select id from department where id = ${departmentId}
			union
			select d.id from department d join sub on d.parent_id = sub.id
		)
		select id from sub
	`.execute(db);
	return rows.map((r) => Number(r.id));
}

/** The department followed by its ancestors up to the root, each with its visibility. */
export async function getAncestry(db: Database, departmentId: number): Promise<DepartmentRecord[]> {
	const { rows } = await sql<DepartmentRecord & { depth: number }>`
		with recursive up as (
			select id, slug, name, description, parent_id, visibility, 0 as depth from department where id = ${departmentId}
			union all
			select d.id, d.slug, d.name, d.description, d.parent_id, d.visibility, up.depth + 1
			from department d join up on d.id = up.parent_id
			where up.depth < 100
		)
		select id, slug, name, description, parent_id as "parentId", visibility, depth from up order by depth
	`.execute(db);
	return rows.map(({ depth: _depth, ...d }) => ({
		...d,
		id: Number(d.id),
		parentId: d.parentId === null ? null : Number(d.parentId)
	}));
}

/**
 * Departments whose content `departmentPath` (a person's department and its ancestors) may not
 * see: every members-only department the person is not in, with all its sub-departments.
 * Queries filter on this list inside SQL, so limits and counts never include hidden rows.
 */
export async function listHiddenDepartmentIds(
	db: Database,
	departmentPath: number[]
): Promise<number[]> {
	const { rows } = await sql<{ id: number }>`
		with recursive hidden as (
			select id from department
			where visibility = 'members-only' and not (id = any(${departmentPath}::bigint[]))
			union
			select c.id from hidden h
			cross join lateral (select d.id from department d where d.parent_id = h.id offset 0) c
		)
		select id from hidden
	`.execute(db);
	return rows.map((r) => Number(r.id));
}

/** The department named `name`, ignoring case (the oldest one if several match). */
export async function getDepartmentByName(
	db: Database,
	name: string
): Promise<DepartmentRecord | undefined> {
	return db
		.selectFrom('department')
		.where(sql<string>`lower(name)`, '=', name.toLowerCase())
		.select(departmentColumns)
		.orderBy('id')
		.limit(1)
		.executeTakeFirst();
}

/** The organisation's root: the oldest department without a parent. */
export async function getRootDepartment(db: Database): Promise<DepartmentRecord | undefined> {
	return db
		.selectFrom('department')
		.where('parentId', 'is', null)
		.select(departmentColumns)
		.orderBy('id')
		.limit(1)
		.executeTakeFirst();
}

export type DepartmentRef = {
	id: number;
	slug: string;
	name: string;
	parentId: number | null;
	visibility: string;
};

/** Every department without counts: the light read for menus and visibility. */
export async function listDepartmentRefs(db: Database): Promise<DepartmentRef[]> {
	return db
		.selectFrom('department')
		.select(['id', 'slug', 'name', 'parentId', 'visibility'])
		.orderBy('name')
		.execute();
}

/** How long `listDepartmentRefsCached` may answer from memory. */
export const DEPARTMENT_REFS_TTL_MS = 10_000;
let remembered: { db: Database; at: number; refs: Promise<DepartmentRef[]> } | undefined;

/**
 * `listDepartmentRefs` remembered for a few seconds, for the feed page's menus (every department
 * on every request, the same for everyone). Changes made by this process are seen at once
 * (`forgetDepartmentRefs` after commit); changes made elsewhere (another instance, a script)
 * within DEPARTMENT_REFS_TTL_MS. The array is shared: never modify it.
 */
export function listDepartmentRefsCached(
	db: Database,
	now: number = Date.now()
): Promise<readonly DepartmentRef[]> {
	if (!remembered || remembered.db !== db || now - remembered.at > DEPARTMENT_REFS_TTL_MS) {
		const refs = listDepartmentRefs(db);
		const entry = { db, at: now, refs };
		remembered = entry;
		refs.catch(() => {
			if (remembered === entry) remembered = undefined;
		});
	}
	return remembered.refs;
}

/** After a department was created or changed (and committed). */
export function forgetDepartmentRefs(): void {
	remembered = undefined;
}
