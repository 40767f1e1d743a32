import { json } from '@sveltejs/kit';
import { readJsonBody } from '$lib/server/api/respond';
import { requestContext } from '$lib/server/context';
import { apiHandler } from '$lib/server/http';
import { markMyNotificationsRead } from '$lib/server/notifications/notification.service';
import { parseInput } from '$lib/server/validation';
import { markNotificationsReadSchema } from '$lib/shared/schemas/notifications';
import type { RequestHandler } from './$types';

/** Marks some of the caller's notifications read. */
export const POST: RequestHandler = apiHandler(async (event) => {
	const input = parseInput(markNotificationsReadSchema, await readJsonBody(event.request));
	return json(await markMyNotificationsRead(requestContext(event), input.ids));
});
