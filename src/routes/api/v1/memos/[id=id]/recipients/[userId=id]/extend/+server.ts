import type { RequestHandler } from './$types';
import { json } from '@sveltejs/kit';
import { readJsonBody } from '$lib/server/api/respond';
import { requestContext } from '$lib/server/context';
import { apiHandler } from '$lib/server/http';
import { extendDueDate } from '$lib/server/memos/memo-exception.service';
import { parseInput } from '$lib/server/validation';
import { memoExtendSchema } from '$lib/shared/schemas/memos';

/** Moves one person's due date, with a reason (recorded as an exception). */
export const POST: RequestHandler = apiHandler(async (event) => {
	const input = parseInput(memoExtendSchema, await readJsonBody(event.request));
	const { id, userId } = event.params;
	return json(await extendDueDate(requestContext(event), Number(id), Number(userId), input), {
		status: 201
	});
});
