/**
 * The people directory and the department list, as the viewer may see them: people in a
 * members-only department are listed only to that department's members.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { RequestContext } from '../context.ts';
import { db } from '../db/index.ts';
import { UnauthorizedError } from '../errors.ts';
import { decodeCursor, encodeCursor } from '../pagination.ts';
import type { DepartmentListItem } from '../../shared/org.ts';
import { treeOrder } from './department-tree.ts';
import {
	listDepartmentRefsCached,
	listHiddenDepartmentIds,
	listDepartmentsWithMemberCounts,
	type DepartmentRef,
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

/**
 * The departments the actor may see (members-only ones only to their members), as a tree ordered
 * by name at each level.
 */
export async function departmentTree(ctx: RequestContext): Promise<DepartmentNode[]> {
	const actor = ctx.actor;
	if (!actor) throw new UnauthorizedError('Sign in to see the departments.');
	const rows = await listDepartmentsWithMemberCounts(db(), actor.hiddenDepartmentIds);
	const nodes = new Map<number, DepartmentNode>(rows.map((r) => [r.id, { ...r, children: [] }]));
	const roots: DepartmentNode[] = [];
	for (const node of nodes.values()) {
		const parent = node.parentId === null ? undefined : nodes.get(node.parentId);
		(parent ? parent.children : roots).push(node);
	}
	return roots;
}

/** Every department a viewer may see, in tree order, and a short hash of that list. */
export type DepartmentList = {
	readonly departments: readonly DepartmentListItem[];
	version: string;
};

/** The lists already built, per list of departments and per set of hidden departments. */
const departmentLists = new WeakMap<readonly DepartmentRef[], Map<string, DepartmentList>>();

/**
 * Every department the viewer may see (members-only ones only to their members), in tree order
 * with its depth, for menus. The same for everyone who may see the same departments, so it is
 * built once per remembered department list (`listDepartmentRefsCached`) and set of hidden
 * departments. `version` changes whenever the list does: a page can name the list by it, and the
 * browser may keep a list fetched under that name (see `GET /api/v1/departments`). Shared: never
 * modify it.
 */
export async function listVisibleDepartments(ctx: RequestContext): Promise<DepartmentList> {
	const actor = ctx.actor;
	if (!actor) throw new UnauthorizedError('Sign in to see the departments.');
	const refs = await listDepartmentRefsCached(db());
	let lists = departmentLists.get(refs);
	if (!lists) departmentLists.set(refs, (lists = new Map()));
	const key = actor.hiddenDepartmentIds.join(',');
	const known = lists.get(key);
	if (known) return known;

	const hidden = new Set(actor.hiddenDepartmentIds);
	const departments = treeOrder(refs.filter((d) => !hidden.has(d.id))).map(
		({ department: d, depth }): DepartmentListItem => ({
			id: d.id,
			slug: d.slug,
			name: d.name,
			parentId: d.parentId,
			depth
		})
	);
	const version = createHash('sha256')
		.update(JSON.stringify(departments))
		.digest('base64url')
		.slice(0, 16);
	const list = { departments, version };
	lists.set(key, list);
	return list;
}
