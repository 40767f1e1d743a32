import { json } from '@sveltejs/kit';
import { requestContext } from '$lib/server/context';
import { apiHandler } from '$lib/server/http';
import { getThreadView } from '$lib/server/threads/thread.service';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = apiHandler(async (event) =>
	json(await getThreadView(requestContext(event), Number(event.params.id)))
);
