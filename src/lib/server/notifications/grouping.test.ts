import { describe, expect, it } from 'vitest';
import { categoryOf } from '../../shared/notifications.ts';
import { renderNotificationEmail } from './email-render.ts';
import { groupNotifications } from './grouping.ts';
import type { NotificationDetail } from './notification.repository.ts';

let nextId = 100;
function row(overrides: Partial<NotificationDetail>): NotificationDetail {
	return {
		id: nextId--,
		recipientId: 1,
		kind: 'mention',
		category: 'mention',
		subjectType: 'message',
		subjectId: 1,
		context: {},
		createdAt: new Date(Date.UTC(2027, 0, 15, 12, 0, nextId)),
		readAt: null,
		actorId: 2,
		actorName: 'Alex Morgan',
		threadTitle: null,
		postSource: null,
		...overrides
	};
}

describe('grouping notifications', () => {
	it('says "4 new replies on …" for four replies to one post, and starts at the oldest unread', () => {
		const post = { subjectType: 'comment', postSource: 'Budget 2027 is out', kind: 'reply' };
		const rows = [4, 3, 2, 1].map((n) =>
			row({ ...post, subjectId: n, context: { postId: 7, commentId: n, excerpt: `reply ${n}` } })
		);
		const [group, ...rest] = groupNotifications(rows);
		expect(rest).toEqual([]);
		expect(group).toMatchObject({
			key: 'post:7',
			headline: '4 new replies on “Budget 2027 is out”',
			unread: 4,
			url: '/posts/7#comment-1'
		});
		expect(group!.items[0]).toMatchObject({ text: 'Alex Morgan replied: “reply 4”', read: false });
	});

	it('names one event, mixes kinds in a thread, and counts only the unread when some are', () => {
		const thread = { subjectType: 'message', threadTitle: 'Rota' };
		const [one] = groupNotifications([
			row({ ...thread, context: { threadId: 3, seq: 12, excerpt: 'see you' } })
		]);
		expect(one).toMatchObject({
			headline: 'Alex Morgan mentioned you in Rota',
			url: '/threads/3?at=12#m-12'
		});
		const [mixed] = groupNotifications([
			row({ ...thread, kind: 'thread.message', context: { threadId: 3, seq: 14 } }),
			row({ ...thread, kind: 'thread.message', context: { threadId: 3, seq: 13 } }),
			row({ ...thread, context: { threadId: 3, seq: 12 } }),
			row({ ...thread, context: { threadId: 3, seq: 2 }, readAt: new Date() })
		]);
		expect(mixed!.headline).toBe('2 new messages and 1 new mention in Rota');
		expect(mixed!.unread).toBe(3);
	});

	it('links memo reminders to the memo, escalations to the report and reviews to the page', () => {
		const groups = groupNotifications([
			row({
				kind: 'memo.reminder',
				subjectType: 'memo_reminder',
				context: { memoId: 5, title: 'Clean desk', step: 'publish', dueOn: '2027-02-01' }
			}),
			row({
				kind: 'memo.escalation',
				subjectType: 'memo_escalation',
				context: { memoId: 6, title: 'Fire drill', people: [{ id: 1, name: 'Noah North' }] }
			}),
			row({
				kind: 'page.review',
				subjectType: 'page_review',
				context: { pageId: 9, title: 'Expenses', reviewBy: '2027-01-10' }
			})
		]);
		expect(groups.map((g) => [g.headline, g.url])).toEqual([
			['New memo: Clean desk', '/memos/5'],
			['Overdue acknowledgements: Fire drill', '/memos/6/report'],
			['Page due for review: Expenses', '/kb/link/9']
		]);
		expect(groups[0]!.items[0]!.text).toBe('A new memo for you to acknowledge by 2027-02-01');
		expect(groups[1]!.items[0]!.text).toBe(
			'1 person has not acknowledged it by the due date: Noah North'
		);
	});

	it('tells a recipient of a material amendment that a new version needs them again', () => {
		const [group] = groupNotifications([
			row({
				kind: 'memo.reminder',
				subjectType: 'memo_reminder',
				context: {
					memoId: 5,
					title: 'Clean desk',
					step: 'publish',
					dueOn: '2027-03-01',
					version: 3
				}
			})
		]);
		expect(group!.headline).toBe('New version of a memo: Clean desk');
		expect(group!.items[0]!.text).toBe(
			'Version 3 changes what it asks: acknowledge it again by 2027-03-01'
		);
	});

	it('maps kinds to categories as the database column does', () => {
		expect(categoryOf('memo.reminder', { step: 'publish' })).toBe('memo');
		expect(categoryOf('memo.reminder', { step: 'due' })).toBe('memo_reminder');
		expect(categoryOf('thread.message', {})).toBe('thread_activity');
		expect(categoryOf('something', {})).toBe('other');
	});
});

describe('notification e-mails', () => {
	it('escape what people wrote in the HTML part and keep the same content in both parts', () => {
		const groups = groupNotifications([
			row({
				subjectType: 'message',
				threadTitle: '<script>x</script>',
				context: { threadId: 1, seq: 1, excerpt: 'a < b & "c"' }
			})
		]);
		const email = renderNotificationEmail({
			kind: 'immediate',
			recipientName: 'Sam',
			groups,
			origin: 'https://intranet.example.org',
			unsubscribe: { mention: 'https://intranet.example.org/unsubscribe?u=1&c=mention&s=x' }
		});
		expect(email.subject).toBe('Alex Morgan mentioned you in <script>x</script>');
		expect(email.html).not.toContain('<script>x');
		expect(email.html).toContain('a &lt; b &amp; &quot;c&quot;');
		expect(email.text).toContain('Alex Morgan mentioned you: “a < b & "c"”');
		expect(email.text).toContain('https://intranet.example.org/threads/1?at=1#m-1');
		expect(email.html).toContain('href="https://intranet.example.org/threads/1?at=1#m-1"');
		expect(email.text).toContain(
			'Stop e-mails about mentions: https://intranet.example.org/unsubscribe?u=1&c=mention&s=x'
		);
	});
});
