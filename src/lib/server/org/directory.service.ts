/**
 * The people directory and the department list, as the viewer may see them: people in a
 * members-only department are listed only to that department's members.
 */
import { z } from 'zod';
import type { RequestContext } from '../context.ts';
import { db } from '../db/index.ts';
import { UnauthorizedError } from '../errors.ts';
import { decodeCursor, encodeCursor } from '../pagination.ts';
import {
	listHiddenDepartmentIds,
	listOrganisationDepartments,
	type DepartmentSummary
} from './department.repository.ts';
import { listActivePeople, searchActivePeople, type PersonListItem } from './person.repository.ts';

const PAGE_SIZE = 50;
const personCursor = z.tuple([z.string(), z.number().int()]);

/**
 * One page of the directory. Without a query: everyone, alphabetical, keyset-paginated. With a
 * query: the best 50 matches on name, title or department (typo-tolerant), best first.
 */
export async function listDirectory(
	ctx: RequestContext,
	input: { query?: string | null; cursor?: string | null }
): Promise<{ people: PersonListItem[]; nextCursor: string | null }> {
	if (!ctx.actor) throw new UnauthorizedError('Sign in to see the directory.');
	const hiddenDepartmentIds = await listHiddenDepartmentIds(db(), ctx.actor.departmentPath);
	const query = input.query?.trim().slice(0, 100);
	if (query) {
		return {
			people: await searchActivePeople(db(), { query, hiddenDepartmentIds }, PAGE_SIZE),
			nextCursor: null
		};
	}
	const rows = await listActivePeople(db(), {
		after: decodeCursor(input.cursor, personCursor),
		limit: PAGE_SIZE + 1,
		hiddenDepartmentIds
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
