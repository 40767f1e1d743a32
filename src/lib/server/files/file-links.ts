/**
 * Files a text links to (`/files/<id>/…`, as the editors insert them after an upload). Saving a
 * page or a memo attaches the writer's own unattached ones to it, so they are served to its
 * readers and kept.
 */
export function referencedFileIds(source: string): number[] {
	return [...new Set([...source.matchAll(/\/files\/(\d{1,15})\//g)].map((m) => Number(m[1])))];
}
