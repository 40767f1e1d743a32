import { z } from 'zod';
import {
	CATEGORY_INFO,
	DELIVERIES,
	NOTIFICATION_CATEGORIES,
	type NotificationCategory
} from '../notifications.ts';

const id = z.coerce.number().int().positive();

export const markNotificationsReadSchema = z.object({
	ids: z
		.array(id, { error: 'List the notifications to mark as read.' })
		.min(1, 'List the notifications to mark as read.')
		.max(500, 'Mark at most 500 notifications at once.')
});
export type MarkNotificationsReadInput = z.infer<typeof markNotificationsReadSchema>;

export const notificationListSchema = z.object({
	cursor: z
		.string()
		// `<created_at in epoch microseconds>.<id>`, as the list gives it out.
		.regex(/^\d{1,20}\.\d{1,20}$/, 'That is not a cursor this list gave out.')
		.optional(),
	limit: z.coerce.number().int().min(1).max(200).default(100)
});

function isTimeZone(zone: string): boolean {
	try {
		new Intl.DateTimeFormat('en', { timeZone: zone });
		return true;
	} catch {
		return false;
	}
}

const deliverySchema = z.enum(DELIVERIES, {
	error: 'Choose right away, the daily digest, only in Commons, or off.'
});

/**
 * A person's choices. Every field is optional (a partial update); a category may only take the
 * deliveries it allows (memos someone must acknowledge cannot be turned off).
 */
export const notificationPreferencesSchema = z
	.object({
		deliveries: z
			.partialRecord(z.enum(NOTIFICATION_CATEGORIES), deliverySchema)
			.optional()
			.default({}),
		timeZone: z
			.string()
			.trim()
			.max(64)
			.refine(isTimeZone, 'Choose a time zone from the list, such as Europe/London.')
			.optional(),
		digestHour: z.coerce
			.number({ error: 'Choose the hour your digest comes.' })
			.int('Choose a whole hour.')
			.min(0, 'Choose an hour from 0 to 23.')
			.max(23, 'Choose an hour from 0 to 23.')
			.optional()
	})
	.superRefine((value, ctx) => {
		for (const [category, delivery] of Object.entries(value.deliveries)) {
			const info = CATEGORY_INFO[category as NotificationCategory];
			if (delivery && !info.allowed.includes(delivery))
				ctx.addIssue({
					code: 'custom',
					path: ['deliveries', category],
					message: `${info.label} cannot be turned off: they come by e-mail, right away or in the daily digest.`
				});
		}
	});
export type NotificationPreferencesInput = z.infer<typeof notificationPreferencesSchema>;
