import { json } from '@sveltejs/kit';
import { readJsonBody } from '$lib/server/api/respond';
import { requestContext } from '$lib/server/context';
import { apiHandler } from '$lib/server/http';
import { listMyThreads, listThreads, startThread } from '$lib/server/threads/thread.service';
import { parseInput } from '$lib/server/validation';
import { threadInputSchema, threadListQuerySchema } from '$lib/shared/schemas/threads';
import type { RequestHandler } from './$types';

/** The caller's threads with unread counts, or a department's (or the organisation's) threads. */
export const GET: RequestHandler = apiHandler(async (event) => {
	const ctx = requestContext(event);
	const { home } = parseInput(threadListQuerySchema, Object.fromEntries(event.url.searchParams));
	if (home === 'mine') return json({ threads: await listMyThreads(ctx) });
	return json({ threads: await listThreads(ctx, home === 'organisation' ? null : home) });
});

export const POST: RequestHandler = apiHandler(async (event) => {
	const input = parseInput(threadInputSchema, await readJsonBody(event.request));
	return json(await startThread(requestContext(event), input), { status: 201 });
});
