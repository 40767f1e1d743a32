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
