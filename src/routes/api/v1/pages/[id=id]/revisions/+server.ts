import type { RequestHandler } from './$types';
import { json } from '@sveltejs/kit';
import { requestContext } from '$lib/server/context';
import { listPageHistory } from '$lib/server/knowledge/page-view.service';
import { apiHandler } from '$lib/server/http';

/** A page's revisions, newest first; `before` (a revision number) pages further back. */
export const GET: RequestHandler = apiHandler(async (event) => {
	const before = Number(event.url.searchParams.get('before'));
	return json(
		await listPageHistory(
			requestContext(event),
			Number(event.params.id),
			Number.isInteger(before) && before > 0 ? before : undefined
		)
	);
});
