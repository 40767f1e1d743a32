import type { RequestHandler } from './$types';
import { json } from '@sveltejs/kit';
import { requestContext } from '$lib/server/context';
import { apiHandler } from '$lib/server/http';
import { previewMemoAudience } from '$lib/server/memos/memo-publish.service';

/** How many people the memo would reach now, with a sample of names. */
export const GET: RequestHandler = apiHandler(async (event) =>
	json(await previewMemoAudience(requestContext(event), Number(event.params.id)))
);
