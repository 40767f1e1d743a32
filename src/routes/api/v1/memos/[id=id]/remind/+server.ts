import type { RequestHandler } from './$types';
import { json } from '@sveltejs/kit';
import { requestContext } from '$lib/server/context';
import { apiHandler } from '$lib/server/http';
import { remindPendingNow } from '$lib/server/memos/memo-reminder.service';

/** Reminds everyone still pending now (once an hour per memo). */
export const POST: RequestHandler = apiHandler(async (event) =>
	json(await remindPendingNow(requestContext(event), Number(event.params.id)))
);
