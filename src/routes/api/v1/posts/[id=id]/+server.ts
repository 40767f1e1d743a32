import type { RequestHandler } from './$types';
import { json } from '@sveltejs/kit';
import { readJsonBody } from '$lib/server/api/respond';
import { requestContext } from '$lib/server/context';
import { getPostView } from '$lib/server/feeds/feed.service';
import { deletePost, editPost } from '$lib/server/feeds/post.service';
import { apiHandler } from '$lib/server/http';
import { parseInput } from '$lib/server/validation';
import { postEditSchema } from '$lib/shared/schemas/feeds';

export const GET: RequestHandler = apiHandler(async (event) =>
	json(await getPostView(requestContext(event), Number(event.params.id)))
);

/** Replaces the text (author only); the earlier version is kept. */
export const PATCH: RequestHandler = apiHandler(async (event) => {
	const ctx = requestContext(event);
	const input = parseInput(postEditSchema, await readJsonBody(event.request));
	await editPost(ctx, Number(event.params.id), input);
	return json(await getPostView(ctx, Number(event.params.id)));
});

export const DELETE: RequestHandler = apiHandler(async (event) => {
	await deletePost(requestContext(event), Number(event.params.id));
	return new Response(null, { status: 204 });
});
