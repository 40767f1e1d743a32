import type { RequestHandler } from './$types';
import { json } from '@sveltejs/kit';
import { readJsonBody } from '$lib/server/api/respond';
import { requestContext } from '$lib/server/context';
import { getPageViewById } from '$lib/server/knowledge/page-view.service';
import { movePage } from '$lib/server/knowledge/page.service';
import { apiHandler } from '$lib/server/http';
import { parseInput } from '$lib/server/validation';
import { pageMoveSchema } from '$lib/shared/schemas/knowledge';

/** Moves a page, with its sub-pages, under another page of its space (or to the top). */
export const POST: RequestHandler = apiHandler(async (event) => {
	const ctx = requestContext(event);
	const input = parseInput(pageMoveSchema, await readJsonBody(event.request));
	await movePage(ctx, Number(event.params.id), input);
	return json(await getPageViewById(ctx, Number(event.params.id)));
});
