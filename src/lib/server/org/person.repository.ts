import { sql, type SqlBool } from 'kysely';
import type { Database } from '../db/index.ts';

export type PersonListItem = {
	id: number;
	name: string;
	title: string;
	email: string;
	departmentName: string;
	departmentSlug: string;
};

/** Active people ordered by name, keyset-paginated on (name, id). */
export async function listActivePeople(
	db: Database,
	options: {
		after?: [string, number];
		limit: number;
		hiddenDepartmentIds?: number[];
		departmentId?: number;
	}
): Promise<PersonListItem[]> {
	let query = db
		.selectFrom('users as u')
		.innerJoin('department as d', 'd.id', 'u.departmentId')
		.where('u.status', '=', 'active')
		.$if(options.departmentId !== undefined, (q) =>
			q.where('u.departmentId', '=', options.departmentId!)
		)
		.$if(!!options.hiddenDepartmentIds?.length, (q) =>
			q.where('u.departmentId', 'not in', options.hiddenDepartmentIds!)
		)
		.select([
			'u.id',
			'u.name',
			'u.title',
			'u.email',
			'd.name as departmentName',
			'd.slug as departmentSlug'
		])
		.orderBy('u.name')
		.orderBy('u.id')
		.limit(options.limit);
	if (options.after) {
		const [name, id] = options.after;
		query = query.where((eb) =>
			eb.or([eb('u.name', '>', name), eb.and([eb('u.name', '=', name), eb('u.id', '>', id)])])
		);
	}
	return query.execute();
}

/** The account behind an email address, with what sign-in needs. */
export async function getPersonForSignIn(db: Database, email: string) {
	return db
		.selectFrom('users')
		.where('email', '=', email.trim().toLowerCase())
		.select(['id', 'email', 'name', 'status', 'passwordHash'])
		.executeTakeFirst();
}

export type PersonRecord = {
	id: number;
	email: string;
	name: string;
	title: string;
	departmentId: number;
	managerId: number | null;
	avatarUrl: string | null;
	bio: string;
	status: string;
};

const personColumns = [
	'id',
	'email',
	'name',
	'title',
	'departmentId',
	'managerId',
	'avatarUrl',
	'bio',
	'status'
] as const;

export async function getPerson(db: Database, id: number): Promise<PersonRecord | undefined> {
	return db.selectFrom('users').where('id', '=', id).select(personColumns).executeTakeFirst();
}

/** Each of `ids`'s department (people who no longer exist are left out). */
export async function listDepartmentsOfPeople(
	db: Database,
	ids: number[]
): Promise<Map<number, number>> {
	if (!ids.length) return new Map();
	const rows = await db
		.selectFrom('users')
		.select(['id', 'departmentId'])
		.where('id', 'in', ids)
		.execute();
	return new Map(rows.map((r) => [r.id, r.departmentId]));
}

export async function getPeopleByEmails(db: Database, emails: string[]): Promise<PersonRecord[]> {
	if (emails.length === 0) return [];
	return db.selectFrom('users').where('email', 'in', emails).select(personColumns).execute();
}

export async function insertPerson(
	db: Database,
	values: Omit<PersonRecord, 'id' | 'status'> & { status?: string }
): Promise<PersonRecord> {
	return db.insertInto('users').values(values).returning(personColumns).executeTakeFirstOrThrow();
}

export async function updatePersonRow(
	db: Database,
	id: number,
	values: Partial<Omit<PersonRecord, 'id'>> & { deactivatedAt?: Date | null }
): Promise<PersonRecord> {
	return db
		.updateTable('users')
		.set({ ...values, updatedAt: new Date() })
		.where('id', '=', id)
		.returning(personColumns)
		.executeTakeFirstOrThrow();
}

/** The chain of managers above `personId`, nearest first (stops at 50 to survive bad data). */
export async function listManagerChain(db: Database, personId: number): Promise<number[]> {
	const chain: number[] = [];
	const { rows } = await sql<{ id: number }>`
		with recursive up as (
			select manager_id as id, 1 as depth from users where id = ${personId}
			union all
			select u.manager_id, up.depth + 1 from users u join up on u.id = up.id
			where up.depth < 50
		)
		select id from up where id is not null order by depth
	`.execute(db);
	for (const r of rows) chain.push(Number(r.id));
	return chain;
}

/** Every person's manager link (id to manager id): the whole reporting graph in one read. */
export async function listManagerLinks(db: Database): Promise<Map<number, number | null>> {
	const rows = await db.selectFrom('users').select(['id', 'managerId']).execute();
	return new Map(rows.map((r) => [r.id, r.managerId]));
}

export type DirectoryFilter = {
	query?: string;
	departmentId?: number;
	hiddenDepartmentIds?: number[];
};

/** People matching a name/title query (typo-tolerant through pg_trgm) and/or a department. */
export async function searchActivePeople(
	db: Database,
	filter: DirectoryFilter,
	limit: number
): Promise<PersonListItem[]> {
	let query = db
		.selectFrom('users as u')
		.innerJoin('department as d', 'd.id', 'u.departmentId')
		.where('u.status', '=', 'active')
		.select([
			'u.id',
			'u.name',
			'u.title',
			'u.email',
			'd.name as departmentName',
			'd.slug as departmentSlug'
		])
		.limit(limit);
	if (filter.departmentId !== undefined)
		query = query.where('u.departmentId', '=', filter.departmentId);
	if (filter.hiddenDepartmentIds?.length)
		query = query.where('u.departmentId', 'not in', filter.hiddenDepartmentIds);
	const text = filter.query?.trim();
	if (text) {
		// Any apostrophe matches any other: names are written "O’Connor" or "O'Connor", and
		// people type whichever their keyboard gives.
		const pattern = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`).replace(/['’ʼ]/g, '_')}%`;
		query = query
			.where((eb) =>
				// Every branch on users itself, so the planner can OR three indexes (the trigram
				// ones and department_id) instead of reading every person: the department name
				// becomes the ids of the departments it matches (55 ms -> 1-4 ms for 20,000 people).
				eb.or([
					eb('u.name', 'ilike', pattern),
					eb('u.title', 'ilike', pattern),
					sql<SqlBool>`u.department_id = any(array(
						select m.id from department m where m.name ilike ${pattern}))`,
					sql<SqlBool>`u.name % ${text}`
				])
			)
			.orderBy(sql`greatest(similarity(u.name, ${text}), similarity(u.title, ${text}))`, 'desc')
			.orderBy('u.name')
			.orderBy('u.id');
	} else {
		query = query.orderBy('u.name').orderBy('u.id');
	}
	return query.execute();
}

export type PersonProfile = PersonRecord & {
	departmentName: string;
	departmentSlug: string;
	departmentVisibility: string;
	managerName: string | null;
	managerDepartmentId: number | null;
	createdAt: Date;
};

/** A person with their department and manager names, for profile pages. */
export async function getPersonProfile(
	db: Database,
	id: number
): Promise<PersonProfile | undefined> {
	return db
		.selectFrom('users as u')
		.innerJoin('department as d', 'd.id', 'u.departmentId')
		.leftJoin('users as m', 'm.id', 'u.managerId')
		.where('u.id', '=', id)
		.select([
			'u.id',
			'u.email',
			'u.name',
			'u.title',
			'u.departmentId',
			'u.managerId',
			'u.avatarUrl',
			'u.bio',
			'u.status',
			'u.createdAt',
			'd.name as departmentName',
			'd.slug as departmentSlug',
			'd.visibility as departmentVisibility',
			'm.name as managerName',
			'm.departmentId as managerDepartmentId'
		])
		.executeTakeFirst();
}

export async function getPasswordHash(db: Database, id: number): Promise<string | null> {
	const row = await db
		.selectFrom('users')
		.where('id', '=', id)
		.select('passwordHash')
		.executeTakeFirst();
	return row?.passwordHash ?? null;
}

export async function setPasswordHash(
	db: Database,
	id: number,
	passwordHash: string
): Promise<void> {
	await db
		.updateTable('users')
		.set({ passwordHash, updatedAt: new Date() })
		.where('id', '=', id)
		.execute();
}

/** People who report directly to `managerId`, by name, but those in `hiddenDepartmentIds`. */
export async function listDirectReports(
	db: Database,
	managerId: number,
	hiddenDepartmentIds: readonly number[]
): Promise<PersonListItem[]> {
	return db
		.selectFrom('users as u')
		.innerJoin('department as d', 'd.id', 'u.departmentId')
		.where('u.managerId', '=', managerId)
		.where('u.status', '=', 'active')
		.where(sql<boolean>`u.department_id <> all(${[...hiddenDepartmentIds]}::bigint[])`)
		.select([
			'u.id',
			'u.name',
			'u.title',
			'u.email',
			'd.name as departmentName',
			'd.slug as departmentSlug'
		])
		.orderBy('u.name')
		.orderBy('u.id')
		.limit(200)
		.execute();
}

export type AdminPersonListItem = {
	id: number;
	name: string;
	email: string;
	title: string;
	status: string;
	departmentName: string;
};

export type AdminPeopleFilter = {
	/** Part of a name or an email address (case-insensitive). */
	query?: string;
	status?: 'active' | 'deactivated';
};

/**
 * Everyone (deactivated people included) ordered by name, keyset-paginated on (name, id), for
 * administrators. The text filter matches names and email addresses.
 */
export async function listPeopleForAdmin(
	db: Database,
	filter: AdminPeopleFilter,
	options: { after?: [string, number]; limit: number }
): Promise<AdminPersonListItem[]> {
	let query = db
		.selectFrom('users as u')
		.innerJoin('department as d', 'd.id', 'u.departmentId')
		.select(['u.id', 'u.name', 'u.email', 'u.title', 'u.status', 'd.name as departmentName'])
		.orderBy('u.name')
		.orderBy('u.id')
		.limit(options.limit);
	if (filter.status) query = query.where('u.status', '=', filter.status);
	const text = filter.query?.trim();
	if (text) {
		const pattern = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
		query = query.where((eb) =>
			eb.or([eb('u.name', 'ilike', pattern), eb('u.email', 'ilike', pattern)])
		);
	}
	if (options.after) {
		const [name, id] = options.after;
		query = query.where((eb) =>
			eb.or([eb('u.name', '>', name), eb.and([eb('u.name', '=', name), eb('u.id', '>', id)])])
		);
	}
	return query.execute();
}

export type AdminPersonDetail = PersonRecord & {
	departmentName: string;
	managerName: string | null;
	managerEmail: string | null;
	createdAt: Date;
	deactivatedAt: Date | null;
};

/** A person with what the administration page shows beside the edit form. */
export async function getPersonForAdmin(
	db: Database,
	id: number
): Promise<AdminPersonDetail | undefined> {
	return db
		.selectFrom('users as u')
		.innerJoin('department as d', 'd.id', 'u.departmentId')
		.leftJoin('users as m', 'm.id', 'u.managerId')
		.where('u.id', '=', id)
		.select([
			'u.id',
			'u.email',
			'u.name',
			'u.title',
			'u.departmentId',
			'u.managerId',
			'u.avatarUrl',
			'u.bio',
			'u.status',
			'u.createdAt',
			'u.deactivatedAt',
			'd.name as departmentName',
			'm.name as managerName',
			'm.email as managerEmail'
		])
		.executeTakeFirst();
}

/** How many people have each status. */
export async function countPeopleByStatus(db: Database): Promise<Record<string, number>> {
	const rows = await db
		.selectFrom('users')
		.groupBy('status')
		.select((eb) => ['status', eb.fn.countAll<number>().as('n')])
		.execute();
	return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}
