import type { RequestHandler } from './$types';
import { json } from '@sveltejs/kit';
import { readJsonBody } from '$lib/server/api/respond';
import { requestContext } from '$lib/server/context';
import { getPostView } from '$lib/server/feeds/feed.service';
import { createPost } from '$lib/server/feeds/post.service';
import { apiHandler } from '$lib/server/http';
import { parseInput } from '$lib/server/validation';
import { postInputSchema } from '$lib/shared/schemas/feeds';

/** Publishes a post; answers 201 with the post as the caller sees it. */
export const POST: RequestHandler = apiHandler(async (event) => {
	const ctx = requestContext(event);
	const input = parseInput(postInputSchema, await readJsonBody(event.request));
	const post = await createPost(ctx, input);
	return json(await getPostView(ctx, post.id), {
		status: 201,
		headers: { location: `/api/v1/posts/${post.id}` }
	});
});
