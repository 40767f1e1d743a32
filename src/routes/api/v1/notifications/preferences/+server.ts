import { json } from '@sveltejs/kit';
import { readJsonBody } from '$lib/server/api/respond';
import { requestContext } from '$lib/server/context';
import { apiHandler } from '$lib/server/http';
import {
	getMyPreferences,
	updateMyPreferences
} from '$lib/server/notifications/notification.service';
import { parseInput } from '$lib/server/validation';
import { notificationPreferencesSchema } from '$lib/shared/schemas/notifications';
import type { RequestHandler } from './$types';

/** How the caller hears about each category, and when their daily digest comes. */
export const GET: RequestHandler = apiHandler(async (event) =>
	json(await getMyPreferences(requestContext(event)))
);

/** Changes some of the caller's choices (fields left out stay as they are). */
export const PUT: RequestHandler = apiHandler(async (event) => {
	const input = parseInput(notificationPreferencesSchema, await readJsonBody(event.request));
	return json(await updateMyPreferences(requestContext(event), input));
});
