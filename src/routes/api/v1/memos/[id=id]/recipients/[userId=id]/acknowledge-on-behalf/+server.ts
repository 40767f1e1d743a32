import type { RequestHandler } from './$types';
import { json } from '@sveltejs/kit';
import { readJsonBody } from '$lib/server/api/respond';
import { requestContext } from '$lib/server/context';
import { apiHandler } from '$lib/server/http';
import { acknowledgeOnBehalf } from '$lib/server/memos/memo-exception.service';
import { parseInput } from '$lib/server/validation';
import { memoOnBehalfSchema } from '$lib/shared/schemas/memos';

/** Records an acknowledgement of the current version on someone's behalf, with a reason. */
export const POST: RequestHandler = apiHandler(async (event) => {
	const input = parseInput(memoOnBehalfSchema, await readJsonBody(event.request));
	const { id, userId } = event.params;
	return json(await acknowledgeOnBehalf(requestContext(event), Number(id), Number(userId), input), {
		status: 201
	});
});
