import type { RequestHandler } from './$types';
import { json } from '@sveltejs/kit';
import { readJsonBody } from '$lib/server/api/respond';
import { requestContext } from '$lib/server/context';
import { diffTexts, getPageViewById } from '$lib/server/knowledge/page-view.service';
import { deletePage, PageConflictError, revisePage } from '$lib/server/knowledge/page.service';
import { apiHandler } from '$lib/server/http';
import { parseInput } from '$lib/server/validation';
import { pageUpdateSchema } from '$lib/shared/schemas/knowledge';

export const GET: RequestHandler = apiHandler(async (event) =>
	json(await getPageViewById(requestContext(event), Number(event.params.id)))
);

/**
 * Saves a new revision. `baseRevision` names the revision the edit started from; when someone
 * saved since, answers 409 with their version and a diff from theirs to the caller's text.
 */
export const PUT: RequestHandler = apiHandler(async (event) => {
	const ctx = requestContext(event);
	const input = parseInput(pageUpdateSchema, await readJsonBody(event.request));
	try {
		await revisePage(ctx, Number(event.params.id), input);
	} catch (error) {
		if (!(error instanceof PageConflictError)) throw error;
		return json(
			{
				error: {
					code: 'conflict',
					message: error.message,
					current: { ...error.current, updatedAt: error.current.updatedAt.toISOString() },
					diff: diffTexts(error.current.bodySource, input.body)
				}
			},
			{ status: 409 }
		);
	}
	return json(await getPageViewById(ctx, Number(event.params.id)));
});

/** Deletes a page without sub-pages (its revisions stay for the record). */
export const DELETE: RequestHandler = apiHandler(async (event) => {
	await deletePage(requestContext(event), Number(event.params.id));
	return new Response(null, { status: 204 });
});
