import type { RequestHandler } from './$types';
import { json } from '@sveltejs/kit';
import { readJsonBody } from '$lib/server/api/respond';
import { requestContext } from '$lib/server/context';
import { getPageViewById } from '$lib/server/knowledge/page-view.service';
import { restoreRevision } from '$lib/server/knowledge/page.service';
import { apiHandler } from '$lib/server/http';
import { parseInput } from '$lib/server/validation';
import { pageUpdateSchema } from '$lib/shared/schemas/knowledge';

const restoreBody = pageUpdateSchema.pick({ baseRevision: true });

/** Makes this revision the current text again, as a new revision. */
export const POST: RequestHandler = apiHandler(async (event) => {
	const ctx = requestContext(event);
	const { baseRevision } = parseInput(restoreBody, await readJsonBody(event.request));
	await restoreRevision(ctx, Number(event.params.id), {
		revision: Number(event.params.number),
		baseRevision
	});
	return json(await getPageViewById(ctx, Number(event.params.id)));
});
