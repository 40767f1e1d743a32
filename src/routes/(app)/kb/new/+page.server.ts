/**
 * A new page: `/kb/new?space=&parent=&title=` (missing wiki links point here with the space and
 * title filled in). Without a space, the spaces the person may write in are offered first.
 */
import { error, isRedirect, redirect } from '@sveltejs/kit';
import { requestContext } from '$lib/server/context';
import { NotFoundError } from '$lib/server/errors';
import { failForm } from '$lib/server/http';
import { pageHref } from '$lib/server/knowledge/page-links';
import { getSpaceView, listSpaces } from '$lib/server/knowledge/page-view.service';
import { createPage } from '$lib/server/knowledge/page.service';
import { formToObject, parseInput } from '$lib/server/validation';
import { pageCreateSchema } from '$lib/shared/schemas/knowledge';

export async function load(event) {
	const ctx = requestContext(event);
	const q = event.url.searchParams;
	const prefill = { title: q.get('title') ?? '', parentId: Number(q.get('parent')) || null };
	const space = q.get('space')?.trim().toLowerCase();
	if (!space) return { prefill, space: null, spaces: await listSpaces(ctx) };
	try {
		return { prefill, space: await getSpaceView(ctx, space), spaces: null };
	} catch (e) {
		if (e instanceof NotFoundError) error(404, e.message);
		throw e;
	}
}

export const actions = {
	default: async (event) => {
		const values = formToObject(await event.request.formData());
		try {
			const input = parseInput(pageCreateSchema, values);
			const row = await createPage(requestContext(event), input);
			redirect(303, `${pageHref(input.space, row.path)}?saved=1`);
		} catch (e) {
			if (isRedirect(e)) throw e;
			return failForm(e, values);
		}
	}
};
