import { json } from '@sveltejs/kit';
import { requestContext } from '$lib/server/context';
import { apiHandler } from '$lib/server/http';
import { listMyNotifications } from '$lib/server/notifications/notification.service';
import { parseInput } from '$lib/server/validation';
import { notificationListSchema } from '$lib/shared/schemas/notifications';
import type { RequestHandler } from './$types';

/** The caller's notifications grouped by thread, post, memo or page, newest first. */
export const GET: RequestHandler = apiHandler(async (event) => {
	const input = parseInput(notificationListSchema, Object.fromEntries(event.url.searchParams));
	return json(await listMyNotifications(requestContext(event), input));
});
