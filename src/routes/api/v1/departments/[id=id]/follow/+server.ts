import type { RequestHandler } from './$types';
import { requestContext } from '$lib/server/context';
import { setDepartmentFollow } from '$lib/server/feeds/follow.service';
import { apiHandler } from '$lib/server/http';

/** Follows the department (idempotent). */
export const PUT: RequestHandler = apiHandler(async (event) => {
	await setDepartmentFollow(requestContext(event), Number(event.params.id), true);
	return new Response(null, { status: 204 });
});

export const DELETE: RequestHandler = apiHandler(async (event) => {
	await setDepartmentFollow(requestContext(event), Number(event.params.id), false);
	return new Response(null, { status: 204 });
});
