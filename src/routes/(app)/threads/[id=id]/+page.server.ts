import { error } from '@sveltejs/kit';
import { requestContext } from '$lib/server/context';
import { NotFoundError } from '$lib/server/errors';
import { getThreadPage } from '$lib/server/threads/message.service';

export async function load(event) {
	const at = Number(event.url.searchParams.get('at'));
	try {
		return await getThreadPage(
			requestContext(event),
			Number(event.params.id),
			Number.isSafeInteger(at) && at > 0 ? at : undefined
		);
	} catch (e) {
		if (e instanceof NotFoundError) error(404, e.message);
		throw e;
	}
}
