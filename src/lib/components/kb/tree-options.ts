/** A space's page tree as the options of a "parent page" select, indented by depth. */
import type { PageTreeNode } from '$lib/shared/knowledge';

export type ParentOption = { id: number; label: string; depth: number };

/** Every page of the tree in reading order; `exclude` drops a page and everything below it. */
export function parentOptions(tree: PageTreeNode[], exclude?: number): ParentOption[] {
	const options: ParentOption[] = [];
	const walk = (nodes: PageTreeNode[], depth: number) => {
		for (const node of nodes) {
			if (node.id === exclude) continue;
			// Non-breaking spaces and a dash show the depth in a native select (no CSS there).
			options.push({
				id: node.id,
				depth,
				label: `${'\u00a0\u00a0'.repeat(depth)}${depth ? '– ' : ''}${node.title}`
			});
			walk(node.children, depth + 1);
		}
	};
	walk(tree, 0);
	return options;
}
