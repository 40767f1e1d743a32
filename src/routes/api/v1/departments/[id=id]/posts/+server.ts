import type { RequestHandler } from './$types';
import { json } from '@sveltejs/kit';
import { requestContext } from '$lib/server/context';
import { getDepartmentFeed } from '$lib/server/feeds/feed.service';
import { apiHandler } from '$lib/server/http';

/** A department's feed, pinned posts on top of the first page. */
export const GET: RequestHandler = apiHandler(async (event) =>
	json(
		await getDepartmentFeed(
			requestContext(event),
			Number(event.params.id),
			event.url.searchParams.get('cursor')
		)
	)
);
