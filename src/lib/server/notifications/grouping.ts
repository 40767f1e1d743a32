/**
 * Notifications as people read them: grouped by the thread, post, memo or page they are about
 * ("4 new replies in Budget 2027") rather than one row per event, each event with a sentence and
 * the link to the exact message, comment, memo or page. Pure functions of the stored rows.
 */
import { renderExcerpt } from '../markdown/render.ts';
import {
	categoryOf,
	type NotificationGroupView,
	type NotificationItemView
} from '../../shared/notifications.ts';
import type { NotificationDetail } from './notification.repository.ts';

type Subject = NotificationGroupView['subject'];

const text = (value: unknown): string => (typeof value === 'string' ? value : '');
const num = (value: unknown): number => (typeof value === 'number' ? value : Number(value) || 0);

/** What a notification is about, for grouping and for its headline. */
export function subjectOf(row: NotificationDetail): Subject {
	const c = row.context;
	if (row.subjectType === 'message')
		return { type: 'thread', id: num(c.threadId), title: row.threadTitle ?? 'a thread' };
	if (row.subjectType === 'post' || row.subjectType === 'comment')
		return {
			type: 'post',
			id: num(c.postId),
			title: row.postSource ? renderExcerpt(row.postSource, 60) : 'a deleted post'
		};
	if (row.kind.startsWith('memo.'))
		return { type: 'memo', id: num(c.memoId), title: text(c.title) || 'a memo' };
	if (row.kind === 'page.review')
		return { type: 'page', id: num(c.pageId), title: text(c.title) || 'a page' };
	return { type: 'other', id: row.id, title: row.kind };
}

/** Where the notification leads: the exact message, comment, memo, report or page. */
export function targetOf(row: NotificationDetail): string {
	const c = row.context;
	switch (row.subjectType) {
		case 'message':
			return `/threads/${num(c.threadId)}?at=${num(c.seq)}#m-${num(c.seq)}`;
		case 'comment':
			return `/posts/${num(c.postId)}#comment-${num(c.commentId) || row.subjectId}`;
		case 'post':
			return `/posts/${num(c.postId) || row.subjectId}`;
	}
	if (row.kind === 'memo.escalation') return `/memos/${num(c.memoId)}/report`;
	if (row.kind.startsWith('memo.')) return `/memos/${num(c.memoId)}`;
	if (row.kind === 'page.review') return `/kb/link/${num(c.pageId)}`;
	return '/notifications';
}

function quoted(excerpt: unknown): string {
	const value = text(excerpt);
	return value ? `: “${value}”` : '';
}

function memoStep(step: string, dueOn: string, version: number): string {
	const due = dueOn ? ` by ${dueOn}` : '';
	switch (step) {
		case 'publish':
			return version > 1
				? `Version ${version} changes what it asks: acknowledge it again${due}`
				: `A new memo for you to acknowledge${due}`;
		case 'before_due':
			return `Reminder: acknowledge${due}`;
		case 'due':
			return 'Your acknowledgement is due today';
		case 'overdue':
			return `Overdue: it was due on ${dueOn || 'an earlier day'}`;
		default:
			return 'A reminder from the issuer to acknowledge it';
	}
}

/** The sentence for one event, without its subject ("Alex Morgan replied: “…”"). */
export function describe(row: NotificationDetail): string {
	const who = row.actorName ?? 'Someone';
	const c = row.context;
	switch (row.kind) {
		case 'mention':
			if (row.subjectType === 'post') return `${who} mentioned you in a post${quoted(c.excerpt)}`;
			if (row.subjectType === 'comment')
				return `${who} mentioned you in a comment${quoted(c.excerpt)}`;
			return `${who} mentioned you${quoted(c.excerpt)}`;
		case 'reply':
			return `${who} replied${quoted(c.excerpt)}`;
		case 'thread.message':
			return `${who} wrote${quoted(c.excerpt)}`;
		case 'memo.reminder':
			return memoStep(text(c.step), text(c.dueOn), Number(c.version) || 1);
		case 'memo.escalation': {
			const people = Array.isArray(c.people) ? (c.people as { name?: string }[]) : [];
			const names = people.map((p) => p.name ?? '').filter(Boolean);
			return `${names.length} ${names.length === 1 ? 'person has' : 'people have'} not acknowledged it by the due date: ${names.join(', ')}`;
		}
		case 'page.review':
			return `Due for review on ${text(c.reviewBy)}`;
		default:
			return 'Something happened';
	}
}

const NOUNS: Record<string, [string, string]> = {
	mention: ['mention', 'mentions'],
	reply: ['reply', 'replies'],
	'thread.message': ['message', 'messages'],
	'memo.reminder': ['reminder', 'reminders'],
	'memo.escalation': ['overdue report', 'overdue reports'],
	'page.review': ['review reminder', 'review reminders']
};

/** "Alex Morgan mentioned you in Rota", "4 new replies in Budget 2027", "2 mentions and 3 new messages in Rota". */
export function headlineOf(subject: Subject, items: NotificationDetail[]): string {
	const unread = items.filter((i) => !i.readAt);
	const counted = unread.length ? unread : items;
	const where = subject.type === 'post' ? `on “${subject.title}”` : `in ${subject.title}`;
	if (counted.length === 1) {
		const one = counted[0]!;
		const who = one.actorName ?? 'Someone';
		switch (one.kind) {
			case 'mention':
				return `${who} mentioned you ${where}`;
			case 'reply':
				return `${who} replied ${where}`;
			case 'thread.message':
				return `${who} wrote ${where}`;
			case 'memo.reminder':
				if (text(one.context.step) !== 'publish') return `Reminder: ${subject.title}`;
				return Number(one.context.version) > 1
					? `New version of a memo: ${subject.title}`
					: `New memo: ${subject.title}`;
			case 'memo.escalation':
				return `Overdue acknowledgements: ${subject.title}`;
			case 'page.review':
				return `Page due for review: ${subject.title}`;
		}
	}
	const byKind = new Map<string, number>();
	for (const item of counted) byKind.set(item.kind, (byKind.get(item.kind) ?? 0) + 1);
	const parts = [...byKind].map(([kind, n]) => {
		const [one, many] = NOUNS[kind] ?? ['update', 'updates'];
		return `${n} ${unread.length ? 'new ' : ''}${n === 1 ? one : many}`;
	});
	const list =
		parts.length > 1 ? `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}` : parts[0]!;
	return `${list} ${subject.type === 'memo' || subject.type === 'page' ? `about ${subject.title}` : where}`;
}

export function itemView(row: NotificationDetail): NotificationItemView {
	return {
		id: row.id,
		kind: row.kind,
		category: categoryOf(row.kind, row.context),
		actor: row.actorId !== null ? { id: row.actorId, name: row.actorName ?? '' } : null,
		text: describe(row),
		url: targetOf(row),
		createdAt: row.createdAt.toISOString(),
		read: row.readAt !== null
	};
}

/** Groups rows (newest first) by subject; groups ordered by their newest event. */
export function groupNotifications(rows: NotificationDetail[]): NotificationGroupView[] {
	const groups = new Map<string, { subject: Subject; rows: NotificationDetail[] }>();
	for (const row of rows) {
		const subject = subjectOf(row);
		const key = `${subject.type}:${subject.id}`;
		const group = groups.get(key) ?? { subject, rows: [] };
		group.rows.push(row);
		groups.set(key, group);
	}
	return [...groups].map(([key, { subject, rows: items }]) => {
		const unread = items.filter((i) => !i.readAt);
		// The oldest unread event is where reading should start; else the newest.
		const first = unread.at(-1) ?? items[0]!;
		return {
			key,
			headline: headlineOf(subject, items),
			subject,
			unread: unread.length,
			latestAt: items[0]!.createdAt.toISOString(),
			url: targetOf(first),
			items: items.map(itemView)
		};
	});
}
