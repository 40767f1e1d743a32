import type { RequestHandler } from './$types';
import { json } from '@sveltejs/kit';
import { requestContext } from '$lib/server/context';
import { apiHandler } from '$lib/server/http';
import { listMyPendingMemos } from '$lib/server/memos/memo-ack.service';

/** The caller's memos still to acknowledge, soonest due first. */
export const GET: RequestHandler = apiHandler(async (event) =>
	json({ memos: await listMyPendingMemos(requestContext(event)) })
);
