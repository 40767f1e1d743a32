import type { RequestHandler } from './$types';
import { json } from '@sveltejs/kit';
import { requestContext } from '$lib/server/context';
import { apiHandler } from '$lib/server/http';
import { listVisibleDepartments } from '$lib/server/org/directory.service';

/**
 * Every department the caller may see. A request naming the list's current version may be kept
 * by the browser for a day (the feed page asks for it by version, so the list is fetched once,
 * not carried in every page); private, because members-only departments differ per person.
 */
export const GET: RequestHandler = apiHandler(async (event) => {
	const { departments, version } = await listVisibleDepartments(requestContext(event));
	const current = event.url.searchParams.get('v') === version;
	return json(
		{ departments, version },
		{ headers: { 'cache-control': current ? 'private, max-age=86400' : 'private, no-cache' } }
	);
});
