import type { RequestHandler } from './$types';
import { requestContext } from '$lib/server/context';
import { setReaction } from '$lib/server/feeds/post.service';
import { apiHandler } from '$lib/server/http';
import { parseInput } from '$lib/server/validation';
import { reactionKindSchema } from '$lib/shared/schemas/feeds';

/** Adds the caller's reaction of this kind; 409 if they already reacted this way. */
export const PUT: RequestHandler = apiHandler(async (event) => {
	const kind = parseInput(reactionKindSchema, event.params.kind);
	await setReaction(requestContext(event), Number(event.params.id), kind, true);
	return new Response(null, { status: 204 });
});

/** Removes it; 404 if there was none. */
export const DELETE: RequestHandler = apiHandler(async (event) => {
	const kind = parseInput(reactionKindSchema, event.params.kind);
	await setReaction(requestContext(event), Number(event.params.id), kind, false);
	return new Response(null, { status: 204 });
});
