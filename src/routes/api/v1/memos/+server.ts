import type { RequestHandler } from './$types';
import { json } from '@sveltejs/kit';
import { readJsonBody } from '$lib/server/api/respond';
import { requestContext } from '$lib/server/context';
import { apiHandler } from '$lib/server/http';
import { createMemoDraft } from '$lib/server/memos/memo.service';
import { parseInput } from '$lib/server/validation';
import { memoDraftSchema } from '$lib/shared/schemas/memos';

/** Creates a draft memo; answers 201 with it. */
export const POST: RequestHandler = apiHandler(async (event) => {
	const input = parseInput(memoDraftSchema, await readJsonBody(event.request));
	const memo = await createMemoDraft(requestContext(event), input);
	return json(memo, { status: 201, headers: { location: `/api/v1/memos/${memo.id}` } });
});
