import type { RequestHandler } from './$types';
import { json } from '@sveltejs/kit';
import { requestContext } from '$lib/server/context';
import { getPageRevision } from '$lib/server/knowledge/page-view.service';
import { apiHandler } from '$lib/server/http';

export const GET: RequestHandler = apiHandler(async (event) =>
	json(
		await getPageRevision(
			requestContext(event),
			Number(event.params.id),
			Number(event.params.number)
		)
	)
);
