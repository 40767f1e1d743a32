import type { RequestHandler } from './$types';
import { requestContext } from '$lib/server/context';
import { deleteComment } from '$lib/server/feeds/comment.service';
import { apiHandler } from '$lib/server/http';

export const DELETE: RequestHandler = apiHandler(async (event) => {
	await deleteComment(requestContext(event), Number(event.params.id));
	return new Response(null, { status: 204 });
});
