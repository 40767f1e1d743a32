import { requestContext } from '$lib/server/context';
import { failForm } from '$lib/server/http';
import { mailSettings } from '$lib/server/notifications/mailer';
import {
	getMyPreferences,
	updateMyPreferences
} from '$lib/server/notifications/notification.service';
import { formToObject, parseInput } from '$lib/server/validation';
import { NOTIFICATION_CATEGORIES } from '$lib/shared/notifications';
import { notificationPreferencesSchema } from '$lib/shared/schemas/notifications';

export async function load(event) {
	return {
		preferences: await getMyPreferences(requestContext(event)),
		emailEnabled: mailSettings() !== undefined,
		timeZones: Intl.supportedValuesOf('timeZone')
	};
}

export const actions = {
	default: async (event) => {
		const values = formToObject(await event.request.formData());
		const deliveries = Object.fromEntries(
			NOTIFICATION_CATEGORIES.filter((c) => values[`delivery-${c}`]).map((c) => [
				c,
				values[`delivery-${c}`]
			])
		);
		try {
			const input = parseInput(notificationPreferencesSchema, {
				deliveries,
				timeZone: values.timeZone,
				digestHour: values.digestHour
			});
			await updateMyPreferences(requestContext(event), input);
			return { message: 'Your notification settings are saved.' };
		} catch (error) {
			return failForm(error, values);
		}
	}
};
