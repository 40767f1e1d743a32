import type { RequestHandler } from './$types';
import { json } from '@sveltejs/kit';
import { readJsonBody } from '$lib/server/api/respond';
import { requestContext } from '$lib/server/context';
import { apiHandler } from '$lib/server/http';
import { returnMemo } from '$lib/server/memos/memo.service';
import { parseInput } from '$lib/server/validation';
import { memoReturnSchema } from '$lib/shared/schemas/memos';

/** Returns a memo awaiting approval to its author, with a comment. */
export const POST: RequestHandler = apiHandler(async (event) => {
	const input = parseInput(memoReturnSchema, await readJsonBody(event.request));
	return json(await returnMemo(requestContext(event), Number(event.params.id), input));
});
