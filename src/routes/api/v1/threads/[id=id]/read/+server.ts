import { json } from '@sveltejs/kit';
import { readJsonBody } from '$lib/server/api/respond';
import { requestContext } from '$lib/server/context';
import { apiHandler } from '$lib/server/http';
import { markRead } from '$lib/server/threads/thread.service';
import { parseInput } from '$lib/server/validation';
import { markReadSchema } from '$lib/shared/schemas/threads';
import type { RequestHandler } from './$types';

/** Moves the caller's read position forward to `seq` (never back). */
export const PUT: RequestHandler = apiHandler(async (event) => {
	const body = await readJsonBody(event.request);
	const input = parseInput(markReadSchema, { ...body, threadId: event.params.id });
	return json({ readSeq: await markRead(requestContext(event), input.threadId, input.seq) });
});
