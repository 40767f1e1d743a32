import { error, redirect } from '@sveltejs/kit';
import { requestContext } from '$lib/server/context';
import { NotFoundError } from '$lib/server/errors';
import { openMyNotification } from '$lib/server/notifications/notification.service';
import type { RequestHandler } from './$types';

/**
 * Marks the notification read and goes to what it is about: the exact message, comment, memo or
 * page. An endpoint, not a page, so the client router never preloads it (which would mark it read
 * on hover); marking read is idempotent.
 */
export const GET: RequestHandler = async (event) => {
	let target: string;
	try {
		target = await openMyNotification(requestContext(event), Number(event.params.id));
	} catch (e) {
		if (e instanceof NotFoundError) error(404, e.message);
		throw e;
	}
	redirect(303, target);
};
