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

/** Departments everyone may see (not members-only ones), with their active member counts. */
export async function listOrganisationDepartments(db: Database): Promise<DepartmentSummary[]> {
	return db
		.selectFrom('department as d')
		.leftJoin('users as u', (join) =>
			join.onRef('u.departmentId', '=', 'd.id').on('u.status', '=', 'active')
		)
		.where('d.visibility', '=', 'organisation')
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
		.orderBy('d.name')
		.execute();
}
