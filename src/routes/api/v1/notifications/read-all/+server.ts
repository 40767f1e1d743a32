import { json } from '@sveltejs/kit';
import { requestContext } from '$lib/server/context';
import { apiHandler } from '$lib/server/http';
import { markAllMyNotificationsRead } from '$lib/server/notifications/notification.service';
import type { RequestHandler } from './$types';

/** Marks every notification of the caller read. */
export const POST: RequestHandler = apiHandler(async (event) =>
	json(await markAllMyNotificationsRead(requestContext(event)))
);
