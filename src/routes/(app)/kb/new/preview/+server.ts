/**
 * The editor's live preview: the server's own rendering of the markdown, exactly what saving would
 * store (wiki links resolved in the space). Under /kb/new because `new` is a reserved department
 * slug, so this address can never be a page's.
 */
import { json } from '@sveltejs/kit';
import { requestContext } from '$lib/server/context';
import { apiHandler } from '$lib/server/http';
import { previewPage } from '$lib/server/knowledge/page-view.service';
import { parseInput } from '$lib/server/validation';
import { pagePreviewSchema } from '$lib/shared/schemas/knowledge';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = apiHandler(async (event) => {
	const input = parseInput(pagePreviewSchema, await event.request.json().catch(() => ({})));
	return json(await previewPage(requestContext(event), input.space, input.body));
});
