import type { RequestHandler } from './$types';
import { json } from '@sveltejs/kit';
import { readJsonBody } from '$lib/server/api/respond';
import { requestContext } from '$lib/server/context';
import { apiHandler } from '$lib/server/http';
import { openMemo } from '$lib/server/memos/memo-ack.service';
import { updateMemoDraft } from '$lib/server/memos/memo.service';
import { parseInput } from '$lib/server/validation';
import { memoDraftSchema } from '$lib/shared/schemas/memos';

/** The memo as the caller sees it; a recipient's first opening is recorded as viewed. */
export const GET: RequestHandler = apiHandler(async (event) =>
	json(await openMemo(requestContext(event), Number(event.params.id)))
);

/** Replaces a draft's content and audience (drafts only: published text never changes). */
export const PUT: RequestHandler = apiHandler(async (event) => {
	const input = parseInput(memoDraftSchema, await readJsonBody(event.request));
	return json(await updateMemoDraft(requestContext(event), Number(event.params.id), input));
});
