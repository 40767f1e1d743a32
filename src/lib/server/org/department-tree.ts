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
