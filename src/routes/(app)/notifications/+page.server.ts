import { error } from '@sveltejs/kit';
import { ValidationError } from '$lib/server/errors';
import { requestContext } from '$lib/server/context';
import { failForm } from '$lib/server/http';
import {
	listMyNotifications,
	markAllMyNotificationsRead,
	markMyNotificationsRead
} from '$lib/server/notifications/notification.service';
import { parseInput, formToObject } from '$lib/server/validation';
import {
	markNotificationsReadSchema,
	notificationListSchema
} from '$lib/shared/schemas/notifications';

export async function load(event) {
	event.depends('app:notifications');
	try {
		const input = parseInput(notificationListSchema, {
			cursor: event.url.searchParams.get('cursor') ?? undefined
		});
		return { page: await listMyNotifications(requestContext(event), input) };
	} catch (e) {
		// An edited or stale address: say so, instead of an error "on our side".
		if (e instanceof ValidationError) error(400, e.message);
		throw e;
	}
}

export const actions = {
	read: async (event) => {
		const values = formToObject(await event.request.formData(), ['ids']);
		try {
			const input = parseInput(markNotificationsReadSchema, values);
			const { marked } = await markMyNotificationsRead(requestContext(event), input.ids);
			return { message: marked === 1 ? 'Marked 1 as read.' : `Marked ${marked} as read.` };
		} catch (error) {
			return failForm(error, values);
		}
	},
	readAll: async (event) => {
		try {
			await markAllMyNotificationsRead(requestContext(event));
			return { message: 'Everything is marked as read.' };
		} catch (error) {
			return failForm(error, {});
		}
	}
};
