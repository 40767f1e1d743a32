import type { RequestHandler } from './$types';
import { json } from '@sveltejs/kit';
import { requestContext } from '$lib/server/context';
import { diffPageRevisions } from '$lib/server/knowledge/page-view.service';
import { apiHandler } from '$lib/server/http';
import { parseInput } from '$lib/server/validation';
import { pageDiffQuerySchema } from '$lib/shared/schemas/knowledge';

/** The line diff between two revisions (`from`, `to`: revision numbers). */
export const GET: RequestHandler = apiHandler(async (event) => {
	const { from, to } = parseInput(pageDiffQuerySchema, Object.fromEntries(event.url.searchParams));
	return json(await diffPageRevisions(requestContext(event), Number(event.params.id), from, to));
});
