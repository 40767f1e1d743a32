import type { RequestHandler } from './$types';
import { requestContext } from '$lib/server/context';
import { setPersonFollow } from '$lib/server/feeds/follow.service';
import { apiHandler } from '$lib/server/http';

/** Follows the person (idempotent); their posts join the caller's home feed. */
export const PUT: RequestHandler = apiHandler(async (event) => {
	await setPersonFollow(requestContext(event), Number(event.params.id), true);
	return new Response(null, { status: 204 });
});

export const DELETE: RequestHandler = apiHandler(async (event) => {
	await setPersonFollow(requestContext(event), Number(event.params.id), false);
	return new Response(null, { status: 204 });
});
