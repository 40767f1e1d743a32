import type { RequestHandler } from './$types';
import { json } from '@sveltejs/kit';
import { readJsonBody } from '$lib/server/api/respond';
import { requestContext } from '$lib/server/context';
import { apiHandler } from '$lib/server/http';
import { publishMemo } from '$lib/server/memos/memo-publish.service';
import { parseInput } from '$lib/server/validation';
import { memoPublishSchema } from '$lib/shared/schemas/memos';

/** Publishes a draft that needs no approval, now or at `publishAt`. */
export const POST: RequestHandler = apiHandler(async (event) => {
	const input = parseInput(memoPublishSchema, await readJsonBody(event.request));
	return json(await publishMemo(requestContext(event), Number(event.params.id), input));
});
