import type { RequestHandler } from './$types';
import { json } from '@sveltejs/kit';
import { readJsonBody } from '$lib/server/api/respond';
import { requestContext } from '$lib/server/context';
import { apiHandler } from '$lib/server/http';
import { submitMemo } from '$lib/server/memos/memo.service';
import { parseInput } from '$lib/server/validation';
import { memoPublishSchema } from '$lib/shared/schemas/memos';

/** Sends a draft for approval by a second person. */
export const POST: RequestHandler = apiHandler(async (event) => {
	const input = parseInput(memoPublishSchema, await readJsonBody(event.request));
	return json(await submitMemo(requestContext(event), Number(event.params.id), input));
});
