import type { RequestHandler } from './$types';
import { json } from '@sveltejs/kit';
import { readJsonBody } from '$lib/server/api/respond';
import { requestContext } from '$lib/server/context';
import { getPageViewById } from '$lib/server/knowledge/page-view.service';
import { setPageGovernance } from '$lib/server/knowledge/page-governance.service';
import { apiHandler } from '$lib/server/http';
import { parseInput } from '$lib/server/validation';
import { pageGovernanceSchema } from '$lib/shared/schemas/knowledge';

/** Sets the owner, the review-by date and who may edit. */
export const PUT: RequestHandler = apiHandler(async (event) => {
	const ctx = requestContext(event);
	const input = parseInput(pageGovernanceSchema, await readJsonBody(event.request));
	await setPageGovernance(ctx, Number(event.params.id), input);
	return json(await getPageViewById(ctx, Number(event.params.id)));
});
