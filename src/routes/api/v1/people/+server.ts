import type { RequestHandler } from './$types';
import { json } from '@sveltejs/kit';
import { requestContext } from '$lib/server/context';
import { apiHandler } from '$lib/server/http';
import { listDirectory } from '$lib/server/org/directory.service';

/** The people directory: a name/title search, or everyone alphabetically by cursor. */
export const GET: RequestHandler = apiHandler(async (event) => {
	const { people, nextCursor } = await listDirectory(requestContext(event), {
		query: event.url.searchParams.get('query'),
		cursor: event.url.searchParams.get('cursor')
	});
	return json({
		people: people.map(({ id, name, title, departmentName, departmentSlug }) => ({
			id,
			name,
			title,
			departmentName,
			departmentSlug
		})),
		nextCursor
	});
});
