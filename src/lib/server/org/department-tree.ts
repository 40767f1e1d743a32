/**
 * Departments in tree order: parents before their children, siblings in the order given, each
 * with its depth. A department whose parent is not in the list (hidden, filtered out, or missing)
 * starts a tree of its own at depth 0, so a filtered list still reads as a tree.
 */
export function treeOrder<T extends { id: number; parentId: number | null }>(
	departments: readonly T[]
): { department: T; depth: number }[] {
	const ids = new Set(departments.map((d) => d.id));
	const children = new Map<number, T[]>();
	const roots: T[] = [];
	for (const d of departments) {
		if (d.parentId === null || !ids.has(d.parentId)) roots.push(d);
		else children.set(d.parentId, [...(children.get(d.parentId) ?? []), d]);
	}
	const ordered: { department: T; depth: number }[] = [];
	const walk = (d: T, depth: number) => {
		ordered.push({ department: d, depth });
		// Bad data (a cycle) must not hang the page.
		if (depth < 100) for (const child of children.get(d.id) ?? []) walk(child, depth + 1);
	};
	for (const root of roots) walk(root, 0);
	return ordered;
}

/**
 * For each of `forDepartments`, the departments hidden from its people: every members-only
 * department that is neither it nor one of its ancestors, with all its sub-departments (what
 * `listHiddenDepartmentIds` computes in SQL for one person), from one read of the tree.
 */
export function hiddenDepartmentsByDepartment(
	departments: readonly { id: number; parentId: number | null; visibility: string }[],
	forDepartments: Iterable<number>
): Map<number, Set<number>> {
	const byId = new Map(departments.map((d) => [d.id, d]));
	const ancestry = (id: number): number[] => {
		const path: number[] = [];
		for (let d = byId.get(id); d && !path.includes(d.id); d = byId.get(d.parentId ?? -1))
			path.push(d.id);
		return path;
	};
	// Each department with the members-only departments at or above it.
	const closedBy = departments.map((d) => ({
		id: d.id,
		membersOnly: ancestry(d.id).filter((a) => byId.get(a)!.visibility === 'members-only')
	}));
	const result = new Map<number, Set<number>>();
	for (const id of forDepartments) {
		const path = new Set(ancestry(id));
		result.set(
			id,
			new Set(closedBy.filter((d) => d.membersOnly.some((m) => !path.has(m))).map((d) => d.id))
		);
	}
	return result;
}
