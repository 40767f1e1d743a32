import type { RequestHandler } from './$types';
import { json } from '@sveltejs/kit';
import { readJsonBody } from '$lib/server/api/respond';
import { requestContext } from '$lib/server/context';
import { previewPage } from '$lib/server/knowledge/page-view.service';
import { apiHandler } from '$lib/server/http';
import { parseInput } from '$lib/server/validation';
import { pagePreviewSchema } from '$lib/shared/schemas/knowledge';

/** Renders page markdown exactly as saving would store it, without saving. */
export const POST: RequestHandler = apiHandler(async (event) => {
	const input = parseInput(pagePreviewSchema, await readJsonBody(event.request));
	return json(await previewPage(requestContext(event), input.space, input.body));
});
