/** The pending list comes from the layout (it feeds the banner too): nothing more to load. */
export function load({ parent }) {
	return parent().then(({ pendingMemos }) => ({ pendingMemos }));
}
