import type { RequestHandler } from './$types';
import { json } from '@sveltejs/kit';
import { requestContext } from '$lib/server/context';
import { apiHandler } from '$lib/server/http';
import { searchEverything } from '$lib/server/search/search.service';
import { parseInput } from '$lib/server/validation';
import { searchQuerySchema } from '$lib/shared/schemas/search';

/** Searches everything the caller may see: `?q=&type=&department=&cursor=&limit=`. */
export const GET: RequestHandler = apiHandler(async (event) => {
	const params = event.url.searchParams;
	const query = parseInput(searchQuerySchema, {
		q: params.get('q') ?? undefined,
		type: params.getAll('type'),
		department: params.get('department') ?? undefined,
		cursor: params.get('cursor') ?? undefined,
		limit: params.get('limit') ?? undefined
	});
	return json(await searchEverything(requestContext(event), query));
});
