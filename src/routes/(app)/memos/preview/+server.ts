/**
 * The memo editor's live preview: the server's own rendering of the markdown, exactly what
 * publishing stores as the version's text.
 */
import { json } from '@sveltejs/kit';
import { requestContext } from '$lib/server/context';
import { apiHandler } from '$lib/server/http';
import { previewMemoBody } from '$lib/server/memos/memo-desk.service';
import { parseInput } from '$lib/server/validation';
import { memoPreviewSchema } from '$lib/shared/schemas/memos';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = apiHandler(async (event) => {
	const input = parseInput(memoPreviewSchema, await event.request.json().catch(() => ({})));
	return json(previewMemoBody(requestContext(event), input.body));
});
