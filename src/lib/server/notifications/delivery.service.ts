/**
 * Delivering notifications, on the job queue. A trigger wakes `dispatch` in the transaction that
 * stores notifications; dispatch claims them (FOR UPDATE SKIP LOCKED), and in one transaction
 * queues the ones their recipients want in the digest, writes an e-mail row and its send job for
 * the ones they want right away, and marks them dispatched; after commit it updates the bells.
 *
 * Sending is a state machine on the e-mail row, so a restart never sends one twice: the row moves
 * to `sending` in a committed transaction before the SMTP conversation starts and to `sent` after
 * the server accepts the message. An SMTP failure puts it back to `pending` and throws, so
 * graphile-worker retries the job with exponential backoff; after the last attempt it is `failed`.
 * A row found in `sending` by a later attempt means the process died mid-send: it may have gone
 * out, so it is marked failed rather than sent again.
 */
import { db as appDb, type Database } from '../db/index.ts';
import { config } from '../config.ts';
import { logger } from '../log.ts';
import type { NotificationCategory } from '../../shared/notifications.ts';
import {
	claimEmail,
	claimUndispatched,
	createDigests,
	EMAIL_MAX_ATTEMPTS,
	enqueueEmailJobs,
	finishEmail,
	getEmail,
	insertImmediateEmails,
	listDueDigests,
	listPendingEmailIds,
	markDispatched,
	queueForDigest
} from './delivery.repository.ts';
import { renderNotificationEmail } from './email-render.ts';
import { groupNotifications } from './grouping.ts';
import { mailSettings, mailTransport, publicOrigin } from './mailer.ts';
import { listNotificationDetails, insertPageReviewNotices } from './notification.repository.ts';
import { publishUnreadCounts } from './notification-events.ts';
import { DEFAULT_DIGEST_HOUR, getDeliveries } from './preference.repository.ts';
import { signingKey, unsubscribeUrl } from './unsubscribe.ts';

export type DispatchResult = { dispatched: number; emails: number; digestItems: number };

/**
 * Dispatches every notification not dispatched yet, in batches. E-mail rows are only written when
 * e-mail is configured. Safe to run concurrently and again after a crash (a batch that did not
 * commit is dispatched by the next run).
 */
export async function dispatchPendingNotifications(
	now: Date = new Date(),
	options: { batchSize?: number; database?: Database } = {}
): Promise<DispatchResult> {
	const database = options.database ?? appDb();
	const batchSize = options.batchSize ?? 500;
	const mailOn = mailSettings() !== undefined;
	const total: DispatchResult = { dispatched: 0, emails: 0, digestItems: 0 };
	for (;;) {
		const batch = await database.transaction().execute(async (trx) => {
			const rows = await claimUndispatched(trx, batchSize);
			const recipients = [...new Set(rows.map((r) => r.recipientId))];
			const deliveries = await getDeliveries(trx, recipients);
			const immediate: { notificationId: number; userId: number; category: string }[] = [];
			const digest: { notificationId: number; userId: number }[] = [];
			for (const row of rows) {
				const delivery =
					deliveries.get(row.recipientId)?.[row.category as NotificationCategory] ?? 'app';
				if (!mailOn) continue;
				if (delivery === 'immediately')
					immediate.push({
						notificationId: row.id,
						userId: row.recipientId,
						category: row.category
					});
				else if (delivery === 'digest')
					digest.push({ notificationId: row.id, userId: row.recipientId });
			}
			await queueForDigest(trx, digest, now);
			const emailIds = await insertImmediateEmails(trx, immediate, now);
			await enqueueEmailJobs(trx, emailIds);
			await markDispatched(
				trx,
				rows.map((r) => r.id),
				now
			);
			return { rows: rows.length, recipients, emails: emailIds.length, digest: digest.length };
		});
		total.dispatched += batch.rows;
		total.emails += batch.emails;
		total.digestItems += batch.digest;
		await publishUnreadCounts(database, batch.recipients).catch((error) =>
			logger().warn({ err: error }, 'could not send unread counts')
		);
		if (batch.rows < batchSize) break;
	}
	return total;
}

/**
 * Writes the digests that are due at `now` (each person's chosen hour in their time zone, at most
 * one per person and local day) with their send jobs. Returns the new e-mails' ids.
 */
export async function runDueDigests(
	now: Date = new Date(),
	options: { database?: Database; batchSize?: number } = {}
): Promise<number[]> {
	const database = options.database ?? appDb();
	if (!mailSettings()) return [];
	const created: number[] = [];
	for (;;) {
		const due = await listDueDigests(
			database,
			now,
			{ timeZone: config().defaultTimeZone, hour: DEFAULT_DIGEST_HOUR },
			options.batchSize ?? 200
		);
		if (!due.length) break;
		const ids = await database.transaction().execute(async (trx) => {
			const ids = await createDigests(trx, due, now);
			await enqueueEmailJobs(trx, ids);
			return ids;
		});
		created.push(...ids);
		if (due.length < (options.batchSize ?? 200)) break;
	}
	return created;
}

/** Page owners whose pages are due for review today (UTC) get a notification, once per date. */
export async function runPageReviewNotices(now: Date = new Date(), database: Database = appDb()) {
	return insertPageReviewNotices(database, now.toISOString().slice(0, 10), now);
}

/** Re-adds send jobs for pending e-mails (rows written before the worker's schema existed). */
export async function enqueuePendingEmails(database: Database = appDb()): Promise<number> {
	const ids = await listPendingEmailIds(database, 10_000);
	await enqueueEmailJobs(database, ids);
	return ids.length;
}

export type SendOutcome = 'sent' | 'skipped' | 'interrupted';

/**
 * Sends one e-mail row. Throws on an SMTP failure (after recording it) so the job is retried;
 * `attempt`/`maxAttempts` are the job's, to mark the row failed after the last one.
 */
export async function sendNotificationEmail(
	emailId: number,
	job: { attempt: number; maxAttempts: number } = { attempt: 1, maxAttempts: EMAIL_MAX_ATTEMPTS },
	options: { database?: Database; now?: () => Date } = {}
): Promise<SendOutcome> {
	const database = options.database ?? appDb();
	const now = options.now ?? (() => new Date());
	const email = await claimEmail(database, emailId, now());
	if (!email) {
		const row = await getEmail(database, emailId);
		if (row?.state !== 'sending') return 'skipped';
		await finishEmail(
			database,
			emailId,
			{
				state: 'failed',
				error: 'Interrupted while sending: it may have been delivered, so it is not sent again.'
			},
			now()
		);
		return 'interrupted';
	}
	const mail = mailSettings();
	const recipient = await database
		.selectFrom('users')
		.select(['email', 'name', 'status'])
		.where('id', '=', email.userId)
		.executeTakeFirst();
	if (!mail || !recipient || recipient.status !== 'active') {
		await finishEmail(
			database,
			emailId,
			{ state: 'failed', error: mail ? 'The recipient is no longer active.' : 'E-mail is off.' },
			now()
		);
		return 'skipped';
	}
	const rows = await listNotificationDetails(database, email.userId, {
		ids: email.notificationIds,
		limit: email.notificationIds.length
	});
	if (!rows.length) {
		await finishEmail(
			database,
			emailId,
			{ state: 'failed', error: 'Nothing left to send.' },
			now()
		);
		return 'skipped';
	}
	const origin = publicOrigin();
	const key = await signingKey(database);
	const groups = groupNotifications(rows);
	const categories = new Set([email.category, ...rows.map((r) => r.category)]);
	const unsubscribe = Object.fromEntries(
		[...categories].map((c) => [c, unsubscribeUrl(origin, key, email.userId, c)])
	);
	const rendered = renderNotificationEmail({
		kind: email.kind,
		recipientName: recipient.name,
		groups,
		origin,
		unsubscribe
	});
	const oneClick = unsubscribe[email.category]!;
	try {
		await mailTransport(mail.smtpUrl).sendMail({
			from: mail.from,
			to: { name: recipient.name, address: recipient.email },
			subject: rendered.subject,
			text: rendered.text,
			html: rendered.html,
			messageId: `<notification-${emailId}@${new URL(origin).hostname}>`,
			headers: {
				'List-Unsubscribe': `<${oneClick}>`,
				'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
				'Auto-Submitted': 'auto-generated'
			}
		});
	} catch (error) {
		const last = job.attempt >= job.maxAttempts;
		await finishEmail(
			database,
			emailId,
			{ state: last ? 'failed' : 'pending', error: (error as Error).message },
			now()
		);
		throw error;
	}
	await finishEmail(database, emailId, { state: 'sent' }, now());
	return 'sent';
}
