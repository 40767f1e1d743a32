import type { RequestHandler } from './$types';
import { json } from '@sveltejs/kit';
import { readJsonBody } from '$lib/server/api/respond';
import { requestContext } from '$lib/server/context';
import { getPageViewById, listPages } from '$lib/server/knowledge/page-view.service';
import { createPage } from '$lib/server/knowledge/page.service';
import { apiHandler } from '$lib/server/http';
import { parseInput } from '$lib/server/validation';
import { pageCreateSchema } from '$lib/shared/schemas/knowledge';

/** Pages the caller may see, most recently updated first (optionally one space). */
export const GET: RequestHandler = apiHandler(async (event) => {
	const params = event.url.searchParams;
	return json(
		await listPages(requestContext(event), {
			space: params.get('space') || undefined,
			cursor: params.get('cursor'),
			limit: Number(params.get('limit')) || undefined
		})
	);
});

/** Creates a page (its first revision); answers 201 with the page. */
export const POST: RequestHandler = apiHandler(async (event) => {
	const ctx = requestContext(event);
	const input = parseInput(pageCreateSchema, await readJsonBody(event.request));
	const page = await createPage(ctx, input);
	return json(await getPageViewById(ctx, page.id), {
		status: 201,
		headers: { location: `/api/v1/pages/${page.id}` }
	});
});
