import type { RequestHandler } from './$types';
import { json } from '@sveltejs/kit';
import { readJsonBody } from '$lib/server/api/respond';
import { requestContext } from '$lib/server/context';
import { getPageViewById } from '$lib/server/knowledge/page-view.service';
import { verifyPage } from '$lib/server/knowledge/page-governance.service';
import { apiHandler } from '$lib/server/http';
import { parseInput } from '$lib/server/validation';
import { pageVerifySchema } from '$lib/shared/schemas/knowledge';

/** Marks the page verified until a date; `null` clears it. */
export const PUT: RequestHandler = apiHandler(async (event) => {
	const ctx = requestContext(event);
	const { verifiedUntil } = parseInput(pageVerifySchema, await readJsonBody(event.request));
	await verifyPage(ctx, Number(event.params.id), verifiedUntil);
	return json(await getPageViewById(ctx, Number(event.params.id)));
});
