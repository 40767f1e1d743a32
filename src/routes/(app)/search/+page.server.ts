import { requestContext } from '$lib/server/context';
import { ValidationError } from '$lib/server/errors';
import { listVisibleDepartments } from '$lib/server/org/directory.service';
import { searchEverything } from '$lib/server/search/search.service';
import { searchQuerySchema } from '$lib/shared/schemas/search';
import type { SearchResponse } from '$lib/shared/search';

/** The search page: `?q=&type=&department=&cursor=`, answered on the server (works without JS). */
export async function load(event) {
	const ctx = requestContext(event);
	const params = event.url.searchParams;
	const raw = {
		q: params.get('q') ?? undefined,
		type: params.getAll('type').filter(Boolean),
		department: params.get('department') ?? undefined,
		cursor: params.get('cursor') ?? undefined
	};
	const form = { q: raw.q ?? '', type: params.get('type') ?? '', department: raw.department ?? '' };
	// The department filter: every department the viewer may see, indented as a tree.
	const { departments } = await listVisibleDepartments(ctx);
	const parsed = searchQuerySchema.safeParse(raw);
	if (!parsed.success)
		return { form, departments, result: null, error: parsed.error.issues[0]!.message };
	try {
		const result: SearchResponse = await searchEverything(ctx, parsed.data);
		return { form, departments, result, error: null, paged: !!raw.cursor };
	} catch (e) {
		// An unknown department or a stale cursor: say so next to the form, keep the query.
		if (e instanceof ValidationError) return { form, departments, result: null, error: e.message };
		throw e;
	}
}
