/**
 * The choices the search page offers: the departments the viewer may see, as an indented tree
 * (value: the slug, so filtered URLs read well).
 */
import type { RequestContext } from '../context.ts';
import { db } from '../db/index.ts';
import { UnauthorizedError } from '../errors.ts';
import { listDepartmentRefs } from '../org/department.repository.ts';

export type DepartmentChoice = { slug: string; name: string; depth: number };

export async function listSearchDepartments(ctx: RequestContext): Promise<DepartmentChoice[]> {
	if (!ctx.actor) throw new UnauthorizedError('Sign in to search.');
	const hidden = new Set(ctx.actor.hiddenDepartmentIds);
	const departments = (await listDepartmentRefs(db())).filter((d) => !hidden.has(d.id));
	const visible = new Set(departments.map((d) => d.id));
	const children = new Map<number | null, typeof departments>();
	for (const d of departments) {
		const parent = d.parentId !== null && visible.has(d.parentId) ? d.parentId : null;
		children.set(parent, [...(children.get(parent) ?? []), d]);
	}
	const choices: DepartmentChoice[] = [];
	const walk = (parentId: number | null, depth: number) => {
		for (const d of children.get(parentId) ?? []) {
			choices.push({ slug: d.slug, name: d.name, depth });
			walk(d.id, depth + 1);
		}
	};
	walk(null, 0);
	return choices;
}
