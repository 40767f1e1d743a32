/**
 * The text of notification e-mails, in a plain-text and an HTML part with the same content:
 * one notification (sent right away) or a digest of a day's notifications grouped by thread,
 * post, memo or page. Every link is absolute; memo e-mails link straight to the memo. Everything
 * that came from people is escaped in the HTML part.
 */
import {
	CATEGORY_INFO,
	type NotificationCategory,
	type NotificationGroupView
} from '../../shared/notifications.ts';

export type RenderedEmail = { subject: string; text: string; html: string };

export type EmailInput = {
	kind: 'immediate' | 'digest';
	recipientName: string;
	groups: NotificationGroupView[];
	origin: string;
	/** Unsubscribe link per category in the e-mail, and for the digest as a whole under 'digest'. */
	unsubscribe: Record<string, string>;
};

const escape = (value: string) =>
	value
		.replace(/&/g, '&amp;')
		.replace(/</g, '&lt;')
		.replace(/>/g, '&gt;')
		.replace(/"/g, '&quot;')
		.replace(/'/g, '&#39;');

const absolute = (origin: string, url: string) => `${origin}${url}`;

function subjectOf(input: EmailInput): string {
	if (input.kind === 'digest') {
		const events = input.groups.reduce((sum, g) => sum + g.items.length, 0);
		return `Your Commons digest: ${events} ${events === 1 ? 'update' : 'updates'}`;
	}
	return input.groups[0]?.headline ?? 'A notification from Commons';
}

function categoriesIn(groups: NotificationGroupView[]): NotificationCategory[] {
	const seen = new Set<NotificationCategory>();
	for (const group of groups)
		for (const item of group.items) if (item.category !== 'other') seen.add(item.category);
	return [...seen];
}

function unsubscribeLines(input: EmailInput): { label: string; url: string }[] {
	const digest =
		input.kind === 'digest' && input.unsubscribe.digest
			? [{ label: 'Stop the daily digest', url: input.unsubscribe.digest }]
			: [];
	return digest.concat(
		categoriesIn(input.groups)
			.filter((c) => input.unsubscribe[c])
			.map((c) => ({
				label: CATEGORY_INFO[c].allowed.includes('app')
					? `Stop e-mails about ${CATEGORY_INFO[c].label.toLowerCase()}`
					: `Get ${CATEGORY_INFO[c].label.toLowerCase()} in the daily digest only`,
				url: input.unsubscribe[c]!
			}))
	);
}

export function renderNotificationEmail(input: EmailInput): RenderedEmail {
	const subject = subjectOf(input);
	const settings = absolute(input.origin, '/notifications/settings');
	const intro =
		input.kind === 'digest'
			? `Hello ${input.recipientName}, here is what happened since your last digest.`
			: `Hello ${input.recipientName},`;
	const unsubscribe = unsubscribeLines(input);

	const text: string[] = [intro, ''];
	for (const group of input.groups) {
		text.push(group.headline);
		for (const item of group.items) {
			text.push(`  - ${item.text}`);
			text.push(`    ${absolute(input.origin, item.url)}`);
		}
		text.push('');
	}
	text.push('--', `Choose what you hear about and when: ${settings}`);
	for (const line of unsubscribe) text.push(`${line.label}: ${line.url}`);

	const html: string[] = [
		'<!doctype html><html lang="en"><head><meta charset="utf-8">',
		`<title>${escape(subject)}</title></head>`,
		'<body style="font-family: system-ui, sans-serif; line-height: 1.5; color: #1a1a1a;">',
		`<p>${escape(intro)}</p>`
	];
	for (const group of input.groups) {
		html.push(
			`<h2 style="font-size: 1.1em; margin: 1.2em 0 0.4em;">${escape(group.headline)}</h2>`,
			'<ul>'
		);
		for (const item of group.items)
			html.push(
				`<li><a href="${escape(absolute(input.origin, item.url))}">${escape(item.text)}</a></li>`
			);
		html.push('</ul>');
	}
	html.push(
		'<hr><p style="font-size: 0.9em; color: #555;">',
		`<a href="${escape(settings)}">Choose what you hear about and when</a>`
	);
	for (const line of unsubscribe)
		html.push(` · <a href="${escape(line.url)}">${escape(line.label)}</a>`);
	html.push('</p></body></html>');

	return { subject, text: text.join('\n'), html: html.join('\n') };
}
