/**
 * Per-person choices: a delivery per category (a missing row means the category's default) and
 * the time zone and hour of the daily digest (a missing row means the organisation's default).
 */
import { sql } from 'kysely';
import type { Database } from '../db/index.ts';
import {
	CATEGORY_INFO,
	NOTIFICATION_CATEGORIES,
	type Delivery,
	type NotificationCategory,
	type NotificationPreferences
} from '../../shared/notifications.ts';

export const DEFAULT_DIGEST_HOUR = 8;

function isCategory(value: string): value is NotificationCategory {
	return (NOTIFICATION_CATEGORIES as readonly string[]).includes(value);
}

/** The effective delivery of each category for each person (defaults filled in). */
export async function getDeliveries(
	db: Database,
	userIds: number[]
): Promise<Map<number, Record<NotificationCategory, Delivery>>> {
	const defaults = Object.fromEntries(
		NOTIFICATION_CATEGORIES.map((c) => [c, CATEGORY_INFO[c].default])
	) as Record<NotificationCategory, Delivery>;
	const result = new Map(userIds.map((id) => [id, { ...defaults }]));
	if (!userIds.length) return result;
	const rows = await db
		.selectFrom('notificationPreference')
		.select(['userId', 'category', 'delivery'])
		.where('userId', 'in', userIds)
		.execute();
	for (const row of rows) {
		const mine = result.get(row.userId);
		if (mine && isCategory(row.category)) mine[row.category] = row.delivery as Delivery;
	}
	return result;
}

export async function getPreferences(
	db: Database,
	userId: number,
	defaultTimeZone: string
): Promise<NotificationPreferences> {
	const deliveries = (await getDeliveries(db, [userId])).get(userId)!;
	const setting = await db
		.selectFrom('notificationSetting')
		.select(['timeZone', 'digestHour'])
		.where('userId', '=', userId)
		.executeTakeFirst();
	return {
		deliveries,
		timeZone: setting?.timeZone ?? defaultTimeZone,
		digestHour: setting?.digestHour ?? DEFAULT_DIGEST_HOUR
	};
}

export async function saveDeliveries(
	db: Database,
	userId: number,
	deliveries: Partial<Record<NotificationCategory, Delivery>>,
	now: Date
): Promise<void> {
	const entries = Object.entries(deliveries).filter(([, d]) => d);
	if (!entries.length) return;
	await db
		.insertInto('notificationPreference')
		.values(
			entries.map(([category, delivery]) => ({
				userId,
				category,
				delivery: delivery!,
				updatedAt: now
			}))
		)
		.onConflict((oc) =>
			oc.columns(['userId', 'category']).doUpdateSet((eb) => ({
				delivery: eb.ref('excluded.delivery'),
				updatedAt: eb.ref('excluded.updatedAt')
			}))
		)
		.execute();
}

export async function saveDigestSetting(
	db: Database,
	userId: number,
	setting: { timeZone: string; digestHour: number },
	now: Date
): Promise<void> {
	await db
		.insertInto('notificationSetting')
		.values({ userId, ...setting, updatedAt: now })
		.onConflict((oc) => oc.column('userId').doUpdateSet({ ...setting, updatedAt: now }))
		.execute();
}

/** The key that signs unsubscribe links: made once (the first caller's key wins a race). */
export async function getSigningKey(db: Database, fresh: Buffer): Promise<Buffer> {
	await sql`
		insert into notification_signing_key (id, secret) values (1, ${fresh})
		on conflict (id) do nothing
	`.execute(db);
	const row = await db
		.selectFrom('notificationSigningKey')
		.select('secret')
		.where('id', '=', 1)
		.executeTakeFirstOrThrow();
	return row.secret;
}
