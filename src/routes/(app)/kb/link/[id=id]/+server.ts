/**
 * A page by its id (`/kb/link/42`), for links that must outlive moves: a thread discussing a page
 * links here. `link` is a reserved department slug, so this cannot shadow a space.
 */
import { error, redirect } from '@sveltejs/kit';
import { requestContext } from '$lib/server/context';
import { NotFoundError } from '$lib/server/errors';
import { getPageViewById } from '$lib/server/knowledge/page-view.service';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async (event) => {
	let href: string;
	try {
		href = (await getPageViewById(requestContext(event), Number(event.params.id))).href;
	} catch (e) {
		if (e instanceof NotFoundError) error(404, e.message);
		throw e;
	}
	redirect(303, href);
};
