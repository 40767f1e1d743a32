import type { RequestHandler } from './$types';
import { json } from '@sveltejs/kit';
import { readJsonBody } from '$lib/server/api/respond';
import { requestContext } from '$lib/server/context';
import { apiHandler } from '$lib/server/http';
import { amendMemo } from '$lib/server/memos/memo-publish.service';
import { parseInput } from '$lib/server/validation';
import { memoAmendSchema } from '$lib/shared/schemas/memos';

/** Issues a new version (material: everyone acknowledges again; editorial: acks stand). */
export const POST: RequestHandler = apiHandler(async (event) => {
	const input = parseInput(memoAmendSchema, await readJsonBody(event.request));
	return json(await amendMemo(requestContext(event), Number(event.params.id), input));
});
