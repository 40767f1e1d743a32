import type { RequestHandler } from './$types';
import { json } from '@sveltejs/kit';
import { requestContext } from '$lib/server/context';
import { apiHandler } from '$lib/server/http';
import { suggest } from '$lib/server/search/search.service';
import { parseInput } from '$lib/server/validation';
import { suggestQuerySchema } from '$lib/shared/schemas/search';

/** As-you-type suggestions for the search box: `?q=` (the last word is a prefix). */
export const GET: RequestHandler = apiHandler(async (event) => {
	const query = parseInput(suggestQuerySchema, {
		q: event.url.searchParams.get('q') ?? undefined,
		limit: event.url.searchParams.get('limit') ?? undefined
	});
	return json({ suggestions: await suggest(requestContext(event), query) });
});
