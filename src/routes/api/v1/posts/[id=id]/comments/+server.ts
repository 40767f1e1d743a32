import type { RequestHandler } from './$types';
import { json } from '@sveltejs/kit';
import { readJsonBody } from '$lib/server/api/respond';
import { requestContext } from '$lib/server/context';
import { addComment, listComments } from '$lib/server/feeds/comment.service';
import { apiHandler } from '$lib/server/http';
import { parseInput } from '$lib/server/validation';
import { commentInputSchema } from '$lib/shared/schemas/feeds';

export const GET: RequestHandler = apiHandler(async (event) =>
	json({ comments: await listComments(requestContext(event), Number(event.params.id)) })
);

/** Adds a comment, or a reply when parentId names a top-level comment of this post. */
export const POST: RequestHandler = apiHandler(async (event) => {
	const ctx = requestContext(event);
	const input = parseInput(commentInputSchema, await readJsonBody(event.request));
	const postId = Number(event.params.id);
	const comment = await addComment(ctx, postId, input);
	const comments = await listComments(ctx, postId);
	return json(
		comments.find((c) => c.id === comment.id),
		{ status: 201 }
	);
});
