import { error } from '@sveltejs/kit';
import { requestContext } from '$lib/server/context';
import { NotFoundError } from '$lib/server/errors';
import { getSpaceView } from '$lib/server/knowledge/page-view.service';

export async function load(event) {
	try {
		const deleted = Number(event.url.searchParams.get('deleted'));
		return await getSpaceView(requestContext(event), event.params.space, {
			deletedPageId: Number.isSafeInteger(deleted) && deleted > 0 ? deleted : undefined
		});
	} catch (e) {
		if (e instanceof NotFoundError) error(404, e.message);
		throw e;
	}
}
