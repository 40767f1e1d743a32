/**
 * The notification centre and a person's choices: their grouped notifications, marking them
 * read, where a notification leads, their preferences, and signed one-click unsubscribing.
 * Every function acts on the caller's own notifications only.
 */
import { isFirstInWindow } from '../api/rate-limit.ts';
import { recordDenied } from '../audit/audit.service.ts';
import { config } from '../config.ts';
import type { RequestContext } from '../context.ts';
import { db } from '../db/index.ts';
import { ForbiddenError, NotFoundError, UnauthorizedError, ValidationError } from '../errors.ts';
import type { Actor } from '../org/actor.ts';
import {
	CATEGORY_INFO,
	NOTIFICATION_CATEGORIES,
	type Delivery,
	type NotificationCategory,
	type NotificationPage,
	type NotificationPreferences
} from '../../shared/notifications.ts';
import type { NotificationPreferencesInput } from '../../shared/schemas/notifications.ts';
import { emailStats } from './delivery.repository.ts';
import { groupNotifications, targetOf } from './grouping.ts';
import { mailSettings, publicOrigin } from './mailer.ts';
import {
	countUnread,
	getNotificationOf,
	listNotificationDetails,
	markAllNotificationsRead,
	markNotificationsRead,
	markThreadNotificationsRead
} from './notification.repository.ts';
import { publishUnreadCounts } from './notification-events.ts';
import { getPreferences, saveDeliveries, saveDigestSetting } from './preference.repository.ts';
import { signingKey, verifyUnsubscribeSignature } from './unsubscribe.ts';

function requireActor(ctx: RequestContext): Actor {
	if (!ctx.actor) throw new UnauthorizedError('Sign in first.');
	return ctx.actor;
}

function parseCursor(cursor: string | undefined) {
	if (!cursor) return undefined;
	const [micros, id] = cursor.split('.').map(Number);
	if (!Number.isSafeInteger(micros) || !Number.isSafeInteger(id))
		throw new ValidationError('That is not a cursor this list gave out.', {
			cursor: 'Unknown cursor.'
		});
	return { micros: micros!, id: id! };
}

/**
 * The caller's notifications grouped by thread, post, memo or page, newest first, `limit` events
 * per page (a group may continue on the next page), and their unread count.
 */
export async function listMyNotifications(
	ctx: RequestContext,
	input: { cursor?: string; limit?: number } = {}
): Promise<NotificationPage> {
	const actor = requireActor(ctx);
	const limit = input.limit ?? 100;
	const rows = await listNotificationDetails(db(), actor.id, {
		limit: limit + 1,
		before: parseCursor(input.cursor)
	});
	const page = rows.slice(0, limit);
	const unread = (await countUnread(db(), [actor.id])).get(actor.id) ?? 0;
	return {
		groups: groupNotifications(page),
		unread,
		nextCursor: rows.length > limit ? page.at(-1)!.cursor : null
	};
}

/** The caller's unread count (capped: the bell shows 99+). */
export async function countMyUnread(ctx: RequestContext): Promise<number> {
	const actor = requireActor(ctx);
	return (await countUnread(db(), [actor.id])).get(actor.id) ?? 0;
}

/** Marks some of the caller's notifications read (others' ids are ignored); updates their bells. */
export async function markMyNotificationsRead(
	ctx: RequestContext,
	ids: number[],
	now: Date = new Date()
): Promise<{ marked: number; unread: number }> {
	const actor = requireActor(ctx);
	const marked = await markNotificationsRead(db(), actor.id, ids, now);
	if (marked) await publishUnreadCounts(db(), [actor.id]);
	return { marked, unread: await countMyUnread(ctx) };
}

/**
 * Someone read a thread up to `seq`: the mentions and new-message notifications it holds up to
 * there are read too (the thread service calls this; `userId` is the reader it checked).
 */
export async function markThreadNotificationsReadFor(
	userId: number,
	threadId: number,
	seq: number,
	now: Date = new Date()
): Promise<void> {
	const marked = await markThreadNotificationsRead(db(), userId, threadId, seq, now);
	if (marked) await publishUnreadCounts(db(), [userId]);
}

/** Marks all of the caller's notifications read; updates their bells. */
export async function markAllMyNotificationsRead(
	ctx: RequestContext,
	now: Date = new Date()
): Promise<{ marked: number; unread: number }> {
	const actor = requireActor(ctx);
	const marked = await markAllNotificationsRead(db(), actor.id, now);
	if (marked) await publishUnreadCounts(db(), [actor.id]);
	return { marked, unread: 0 };
}

/**
 * Marks one of the caller's notifications read and returns where it leads (the exact message,
 * comment, memo or page). Throws NotFoundError for someone else's or a missing one.
 */
export async function openMyNotification(
	ctx: RequestContext,
	id: number,
	now: Date = new Date()
): Promise<string> {
	const actor = requireActor(ctx);
	const [row] = await listNotificationDetails(db(), actor.id, { ids: [id], limit: 1 });
	if (!row) {
		if (!(await getNotificationOf(db(), actor.id, id)))
			throw new NotFoundError('That notification does not exist.');
		return '/notifications';
	}
	if (!row.readAt) await markMyNotificationsRead(ctx, [id], now);
	return targetOf(row);
}

export async function getMyPreferences(ctx: RequestContext): Promise<NotificationPreferences> {
	const actor = requireActor(ctx);
	return getPreferences(db(), actor.id, config().defaultTimeZone);
}

/**
 * Saves the caller's choices (a partial update; the schema has refused deliveries a category does
 * not allow). Changing deliveries shows or hides notifications, so the bell is updated.
 */
export async function updateMyPreferences(
	ctx: RequestContext,
	input: NotificationPreferencesInput,
	now: Date = new Date()
): Promise<NotificationPreferences> {
	const actor = requireActor(ctx);
	const current = await getPreferences(db(), actor.id, config().defaultTimeZone);
	await db()
		.transaction()
		.execute(async (trx) => {
			await saveDeliveries(trx, actor.id, input.deliveries, now);
			if (input.timeZone !== undefined || input.digestHour !== undefined)
				await saveDigestSetting(
					trx,
					actor.id,
					{
						timeZone: input.timeZone ?? current.timeZone,
						digestHour: input.digestHour ?? current.digestHour
					},
					now
				);
		});
	await publishUnreadCounts(db(), [actor.id]);
	return getPreferences(db(), actor.id, config().defaultTimeZone);
}

/** Whether an unsubscribe link is genuine, and what it stops (for the page that confirms it). */
export async function checkUnsubscribeLink(input: {
	userId: number;
	category: string;
	signature: string;
}): Promise<{ valid: boolean; label: string }> {
	const key = await signingKey(db());
	const known =
		input.category === 'digest' ||
		NOTIFICATION_CATEGORIES.includes(input.category as NotificationCategory);
	const valid =
		known && verifyUnsubscribeSignature(key, input.userId, input.category, input.signature);
	const label =
		input.category === 'digest'
			? 'the daily digest'
			: known
				? CATEGORY_INFO[input.category as NotificationCategory].label.toLowerCase()
				: '';
	return { valid, label };
}

/** What one-click unsubscribing from `category` changes it to: never off for memos. */
function quieter(category: NotificationCategory, current: Delivery): Delivery {
	const allowed = CATEGORY_INFO[category].allowed;
	if (allowed.includes('app')) return current === 'off' ? 'off' : 'app';
	return 'digest';
}

export type UnsubscribeResult = {
	changed: { category: NotificationCategory; label: string; delivery: Delivery }[];
	/** Memo categories, which still come (in the digest). */
	kept: string[];
};

/**
 * Stops e-mails of one category (or of the whole digest, `digest`) for the person a signed link
 * was made for: the category then shows only in Commons, except memos someone must acknowledge,
 * which move to the daily digest. Needs no session. Throws ForbiddenError for a bad signature.
 */
export async function unsubscribe(
	ctx: RequestContext,
	input: { userId: number; category: string; signature: string },
	now: Date = new Date()
): Promise<UnsubscribeResult> {
	const key = await signingKey(db());
	const known =
		input.category === 'digest' ||
		NOTIFICATION_CATEGORIES.includes(input.category as NotificationCategory);
	if (!known || !verifyUnsubscribeSignature(key, input.userId, input.category, input.signature)) {
		// Anyone can send bad links (no session is needed) and every audit entry is kept for good:
		// the first refusal from an address in each minute is recorded, the others only refused.
		if (await isFirstInWindow(`unsubscribe-refused:${ctx.ip ?? 'unknown'}`, now))
			await recordDenied(ctx, 'notification.unsubscribe', 'user', input.userId);
		throw new ForbiddenError(
			'This unsubscribe link is not valid. Change your e-mails in your notification settings.'
		);
	}
	const current = await getPreferences(db(), input.userId, config().defaultTimeZone);
	const categories =
		input.category === 'digest'
			? NOTIFICATION_CATEGORIES.filter((c) => current.deliveries[c] === 'digest')
			: [input.category as NotificationCategory];
	const changes: Partial<Record<NotificationCategory, Delivery>> = {};
	const kept: string[] = [];
	for (const c of categories) {
		const next = quieter(c, current.deliveries[c]);
		if (next === 'digest' && current.deliveries[c] === 'digest') kept.push(CATEGORY_INFO[c].label);
		if (next !== current.deliveries[c]) changes[c] = next;
	}
	await saveDeliveries(db(), input.userId, changes, now);
	return {
		changed: Object.entries(changes).map(([c, delivery]) => ({
			category: c as NotificationCategory,
			label: CATEGORY_INFO[c as NotificationCategory].label,
			delivery: delivery!
		})),
		kept
	};
}

export type EmailStatus = {
	enabled: boolean;
	from: string | null;
	server: string | null;
	origin: string;
	originSet: boolean;
	counts: Record<string, number>;
	lastError: string | null;
};

/** E-mail delivery at a glance, for administrators: on or off, and how sending goes. */
export async function getEmailStatus(
	ctx: RequestContext,
	now: Date = new Date()
): Promise<EmailStatus> {
	const actor = requireActor(ctx);
	if (!actor.isAdmin) {
		await recordDenied(ctx, 'admin.open', 'administration', 'email');
		throw new ForbiddenError('Only administrators can see how e-mail is delivered.');
	}
	const mail = mailSettings();
	let server: string | null = null;
	if (mail) {
		const url = new URL(mail.smtpUrl);
		server = `${url.protocol}//${url.host}`;
	}
	const stats = await emailStats(db(), new Date(now.getTime() - 86_400_000));
	return {
		enabled: mail !== undefined,
		from: mail?.from ?? null,
		server,
		origin: publicOrigin(),
		originSet: config().origin !== undefined,
		...stats
	};
}
