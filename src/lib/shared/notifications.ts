/**
 * Notification categories and how a person may hear about each: the one list shared by the
 * settings page, the API and the server. The category of a stored notification is computed by the
 * database from its kind (see the notification-delivery migration); `categoryOf` is the same rule.
 */

export const NOTIFICATION_CATEGORIES = [
	'mention',
	'reply',
	'thread_activity',
	'memo',
	'memo_reminder',
	'memo_escalation',
	'page_review'
] as const;
export type NotificationCategory = (typeof NOTIFICATION_CATEGORIES)[number];

/**
 * immediately: in the app and by e-mail at once; digest: in the app and in the daily e-mail digest;
 * app: in the app only; off: not at all.
 */
export const DELIVERIES = ['immediately', 'digest', 'app', 'off'] as const;
export type Delivery = (typeof DELIVERIES)[number];

type CategoryInfo = {
	label: string;
	description: string;
	default: Delivery;
	/** Memos someone must acknowledge reach them by e-mail, at least in the digest. */
	allowed: readonly Delivery[];
};

const ALL = DELIVERIES;
const BY_EMAIL = ['immediately', 'digest'] as const;

export const CATEGORY_INFO: Record<NotificationCategory, CategoryInfo> = {
	mention: {
		label: 'Mentions',
		description: 'Someone mentions you in a post, a comment or a thread.',
		default: 'immediately',
		allowed: ALL
	},
	reply: {
		label: 'Replies',
		description: 'Someone comments on your post or replies to your comment.',
		default: 'digest',
		allowed: ALL
	},
	thread_activity: {
		label: 'Threads you take part in',
		description:
			'New messages in threads you have opened or written in (messages that mention you count as mentions).',
		default: 'off',
		allowed: ALL
	},
	memo: {
		label: 'Memos for you',
		description: 'A memo you must acknowledge is published.',
		default: 'immediately',
		allowed: BY_EMAIL
	},
	memo_reminder: {
		label: 'Memo reminders',
		description: 'Reminders about memos you have not acknowledged yet.',
		default: 'immediately',
		allowed: BY_EMAIL
	},
	memo_escalation: {
		label: 'Overdue memos in your team',
		description: 'People you manage have not acknowledged a memo by its due date.',
		default: 'immediately',
		allowed: ALL
	},
	page_review: {
		label: 'Pages due for review',
		description: 'A knowledge page you own reaches its review date.',
		default: 'digest',
		allowed: ALL
	}
};

export const DELIVERY_LABELS: Record<Delivery, string> = {
	immediately: 'E-mail me right away',
	digest: 'In my daily digest',
	app: 'Only in Commons',
	off: 'Off'
};

/** The category of a notification of `kind` with `context`: the rule the database column uses. */
export function categoryOf(
	kind: string,
	context: { step?: unknown } | null | undefined
): NotificationCategory | 'other' {
	switch (kind) {
		case 'mention':
			return 'mention';
		case 'reply':
			return 'reply';
		case 'thread.message':
			return 'thread_activity';
		case 'memo.reminder':
			return context?.step === 'publish' ? 'memo' : 'memo_reminder';
		case 'memo.escalation':
			return 'memo_escalation';
		case 'page.review':
			return 'page_review';
		default:
			return 'other';
	}
}

export type NotificationPreferences = {
	deliveries: Record<NotificationCategory, Delivery>;
	timeZone: string;
	digestHour: number;
};

/** One event in a group of the notification centre. */
export type NotificationItemView = {
	id: number;
	kind: string;
	category: NotificationCategory | 'other';
	actor: { id: number; name: string } | null;
	/** What happened, in a sentence: "Alex Morgan replied: “…”". */
	text: string;
	/** The exact message, comment, memo or page. */
	url: string;
	createdAt: string;
	read: boolean;
};

/** Events about one thread, post, memo or page, newest first. */
export type NotificationGroupView = {
	key: string;
	/** "4 new replies in Budget 2027". */
	headline: string;
	subject: { type: 'thread' | 'post' | 'memo' | 'page' | 'other'; id: number; title: string };
	unread: number;
	latestAt: string;
	/** The first unread event's link (or the latest's when all are read). */
	url: string;
	items: NotificationItemView[];
};

export type NotificationPage = {
	groups: NotificationGroupView[];
	unread: number;
	nextCursor: string | null;
};

/** The bell shows at most this; more reads "99+". */
export const UNREAD_CAP = 100;
