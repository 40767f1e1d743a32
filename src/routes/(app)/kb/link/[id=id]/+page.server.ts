/**
 * A page by its id (`/kb/link/42`), for links that must outlive moves: a thread discussing a page
 * links here. `link` is a reserved department slug, so this cannot shadow a space. A page route
 * (not an endpoint) so that the browser's client-side navigation follows the redirect too.
 */
import { error, redirect } from '@sveltejs/kit';
import { requestContext } from '$lib/server/context';
import { NotFoundError } from '$lib/server/errors';
import { getPageViewById } from '$lib/server/knowledge/page-view.service';

export async function load(event) {
	let href: string;
	try {
		href = (await getPageViewById(requestContext(event), Number(event.params.id))).href;
	} catch (e) {
		if (e instanceof NotFoundError) error(404, e.message);
		throw e;
	}
	redirect(307, href);
}
