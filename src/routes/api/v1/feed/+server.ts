import type { RequestHandler } from './$types';
import { json } from '@sveltejs/kit';
import { requestContext } from '$lib/server/context';
import { getHomeFeed } from '$lib/server/feeds/feed.service';
import { apiHandler } from '$lib/server/http';
import { parseInput } from '$lib/server/validation';
import { feedQuerySchema } from '$lib/shared/schemas/feeds';

/** The caller's home feed, a page at a time. */
export const GET: RequestHandler = apiHandler(async (event) => {
	const query = parseInput(feedQuerySchema, Object.fromEntries(event.url.searchParams));
	return json(await getHomeFeed(requestContext(event), query));
});
