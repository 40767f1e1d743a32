import type { RequestHandler } from './$types';
import { json } from '@sveltejs/kit';
import { requestContext } from '$lib/server/context';
import { apiHandler } from '$lib/server/http';
import { approveMemo } from '$lib/server/memos/memo.service';

/** Approves a memo awaiting approval: it is published, or scheduled for its publish time. */
export const POST: RequestHandler = apiHandler(async (event) =>
	json(await approveMemo(requestContext(event), Number(event.params.id)))
);
