/**
 * The people directory and the department list, as the shell shows them.
 */
import { z } from 'zod';
import { db } from '../db/index.ts';
import { decodeCursor, encodeCursor } from '../pagination.ts';
import { listOrganisationDepartments, type DepartmentSummary } from './department.repository.ts';
import { listActivePeople, type PersonListItem } from './person.repository.ts';

const PAGE_SIZE = 50;
const personCursor = z.tuple([z.string(), z.number().int()]);

/** One page of the directory, alphabetical, with the cursor of the next page if there is one. */
export async function listDirectory(input: {
	cursor?: string | null;
}): Promise<{ people: PersonListItem[]; nextCursor: string | null }> {
	const rows = await listActivePeople(db(), {
		after: decodeCursor(input.cursor, personCursor),
		limit: PAGE_SIZE + 1
	});
	const people = rows.slice(0, PAGE_SIZE);
	const last = people.at(-1);
	return {
		people,
		nextCursor: rows.length > PAGE_SIZE && last ? encodeCursor([last.name, last.id]) : null
	};
}

export type DepartmentNode = DepartmentSummary & { children: DepartmentNode[] };

/** Departments everyone may see, as a tree ordered by name at each level. */
export async function departmentTree(): Promise<DepartmentNode[]> {
	const rows = await listOrganisationDepartments(db());
	const nodes = new Map<number, DepartmentNode>(rows.map((r) => [r.id, { ...r, children: [] }]));
	const roots: DepartmentNode[] = [];
	for (const node of nodes.values()) {
		const parent = node.parentId === null ? undefined : nodes.get(node.parentId);
		(parent ? parent.children : roots).push(node);
	}
	return roots;
}
