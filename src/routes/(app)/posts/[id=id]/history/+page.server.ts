import { error } from '@sveltejs/kit';
import { requestContext } from '$lib/server/context';
import { ForbiddenError, NotFoundError } from '$lib/server/errors';
import { listPostHistory } from '$lib/server/feeds/post.service';

export async function load(event) {
	try {
		const { post, revisions } = await listPostHistory(
			requestContext(event),
			Number(event.params.id)
		);
		return {
			post: {
				id: post.id,
				bodyHtml: post.bodyHtml,
				editedAt: post.editedAt?.toISOString() ?? null
			},
			revisions: revisions.map((r) => ({
				id: r.id,
				bodyHtml: r.bodyHtml,
				writtenByName: r.writtenByName,
				writtenAt: r.writtenAt.toISOString(),
				replacedAt: r.replacedAt.toISOString()
			}))
		};
	} catch (e) {
		if (e instanceof NotFoundError) error(404, e.message);
		if (e instanceof ForbiddenError) error(403, e.message);
		throw e;
	}
}
