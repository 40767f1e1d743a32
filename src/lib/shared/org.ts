/** Departments as the browser sees them. */

/** A department in a list in tree order: `depth` 0 is a top-level department. */
export type DepartmentListItem = {
	id: number;
	slug: string;
	name: string;
	parentId: number | null;
	depth: number;
};

/** A menu label for a department: options cannot hold markup, so em spaces show the depth. */
export function indentedName(department: Pick<DepartmentListItem, 'name' | 'depth'>): string {
	return `${'\u2003'.repeat(department.depth)}${department.name}`;
}
