import { json } from '@sveltejs/kit';
import { requestContext } from '$lib/server/context';
import { apiHandler } from '$lib/server/http';
import { openPostThread } from '$lib/server/threads/thread.service';
import type { RequestHandler } from './$types';

/** The thread discussing this post, created on first use. */
export const POST: RequestHandler = apiHandler(async (event) =>
	json(await openPostThread(requestContext(event), Number(event.params.id)))
);
