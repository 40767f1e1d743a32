import { sql } from 'kysely';
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
	options: { after?: [string, number]; limit: number }
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

export type DirectoryFilter = { query?: string; departmentId?: number };

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
	const text = filter.query?.trim();
	if (text) {
		const pattern = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
		query = query
			.where((eb) =>
				eb.or([
					eb('u.name', 'ilike', pattern),
					eb('u.title', 'ilike', pattern),
					eb('d.name', 'ilike', pattern),
					eb(sql<boolean>`u.name % ${text}`, '=', true)
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
