import type { RequestHandler } from './$types';
import { json } from '@sveltejs/kit';
import { readJsonBody } from '$lib/server/api/respond';
import { requestContext } from '$lib/server/context';
import { apiHandler } from '$lib/server/http';
import { retractMemo } from '$lib/server/memos/memo-publish.service';
import { parseInput } from '$lib/server/validation';
import { memoRetractSchema } from '$lib/shared/schemas/memos';

/** Retracts a published or scheduled memo, with a reason. */
export const POST: RequestHandler = apiHandler(async (event) => {
	const input = parseInput(memoRetractSchema, await readJsonBody(event.request));
	return json(await retractMemo(requestContext(event), Number(event.params.id), input));
});
