/** Departments as select options, indented to show the tree (parents come before children). */
export function departmentOptions(
	departments: { id: number; name: string; depth: number }[],
	note?: (department: { id: number }) => string | null
): { value: string; label: string }[] {
	return departments.map((d) => {
		const extra = note?.(d);
		return {
			value: String(d.id),
			label: `${'\u00a0\u00a0'.repeat(d.depth)}${d.name}${extra ? ` (${extra})` : ''}`
		};
	});
}
