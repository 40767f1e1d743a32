/**
 * Every background task, by the name jobs are added under. A task gets the job's payload and
 * works on the app's database; it must be safe to run twice (a job whose worker died is retried).
 */
import type { TaskList } from 'graphile-worker';
import { db } from '../db/index.ts';
import { runDueMemoReminders } from '../memos/memo-reminder.service.ts';
import { EMAIL_TASK } from '../notifications/delivery.repository.ts';
import {
	dispatchPendingNotifications,
	enqueuePendingEmails,
	runDueDigests,
	runPageReviewNotices,
	sendNotificationEmail
} from '../notifications/delivery.service.ts';
import { drainSearchOutbox } from '../search/index-outbox.ts';
import { pruneRecentDocuments } from '../search/search.repository.ts';
import { searchEngine } from '../search/search.service.ts';

export const SEARCH_INDEX_TASK = 'search_index';
export const SEARCH_REBUILD_TASK = 'search_rebuild';
export const MEMO_REMINDERS_TASK = 'memo_reminders';
export const NOTIFICATIONS_DISPATCH_TASK = 'notifications_dispatch';
export const NOTIFICATION_EMAIL_TASK = EMAIL_TASK;
export const NOTIFICATIONS_DIGEST_TASK = 'notifications_digest';
export const PAGE_REVIEW_TASK = 'page_review_notices';
export const SEARCH_PRUNE_TASK = 'search_prune_recent';

export const tasks: TaskList = {
	/** Indexes what waits in the search outbox (added by a trigger on every outbox write). */
	[SEARCH_INDEX_TASK]: async (_payload, helpers) => {
		const handled = await drainSearchOutbox(db(), searchEngine());
		if (handled) helpers.logger.debug(`indexed ${handled} search outbox rows`);
	},
	/**
	 * Rebuilds the whole index from the source tables (a new installation, a lost index). At
	 * shutdown the worker aborts it (5 s after asking running jobs to finish): the rebuild rolls
	 * back, the job fails and runs again at the next start instead of holding the shutdown.
	 */
	[SEARCH_REBUILD_TASK]: async (_payload, helpers) => {
		const counts = await searchEngine().rebuild(db(), helpers.abortSignal);
		helpers.logger.info(`search index rebuilt: ${JSON.stringify(counts)}`);
	},
	/**
	 * Publishes scheduled memos that are due, sends the reminders whose step has come and the
	 * overdue digests to managers. Each reminder is claimed and marked sent in the transaction
	 * that writes its notification, so a crash or a second instance never sends one twice.
	 */
	[MEMO_REMINDERS_TASK]: async (_payload, helpers) => {
		const done = await runDueMemoReminders(new Date());
		if (done.published || done.reminders || done.escalated)
			helpers.logger.info(`memo reminders: ${JSON.stringify(done)}`);
	},
	/**
	 * Dispatches new notifications (woken by a trigger on the notification table): bells, digest
	 * queue, and an e-mail row with its send job for each one wanted right away.
	 */
	[NOTIFICATIONS_DISPATCH_TASK]: async () => {
		await dispatchPendingNotifications(new Date());
	},
	/** Sends one e-mail; an SMTP failure throws, and the job is retried with backoff. */
	[NOTIFICATION_EMAIL_TASK]: async (payload, helpers) => {
		const emailId = Number((payload as { emailId?: unknown }).emailId);
		if (!Number.isSafeInteger(emailId)) return;
		const outcome = await sendNotificationEmail(emailId, {
			attempt: helpers.job.attempts,
			maxAttempts: helpers.job.max_attempts
		});
		if (outcome === 'interrupted')
			helpers.logger.warn(`e-mail ${emailId} was interrupted mid-send earlier; not sent again`);
	},
	/**
	 * Every minute: the digests whose hour has come, and a sweep for notifications and e-mails
	 * whose wake-up was lost (written before the worker's schema existed).
	 */
	[NOTIFICATIONS_DIGEST_TASK]: async (_payload, helpers) => {
		const now = new Date();
		await dispatchPendingNotifications(now);
		await enqueuePendingEmails();
		const digests = await runDueDigests(now);
		if (digests.length) helpers.logger.info(`notification digests: ${digests.length}`);
	},
	/** Every hour: documents that left search_recent's thirty days are removed from it. */
	[SEARCH_PRUNE_TASK]: async (_payload, helpers) => {
		const removed = await pruneRecentDocuments(db());
		if (removed) helpers.logger.debug(`search: ${removed} documents left the recent window`);
	},
	/** Every hour: owners of pages due for review are told, once per review date. */
	[PAGE_REVIEW_TASK]: async (_payload, helpers) => {
		const told = await runPageReviewNotices(new Date());
		if (told) helpers.logger.info(`page review notices: ${told}`);
	}
};

/**
 * Every minute: the memo reminder ladder (and scheduled publishing), and a search drain as a
 * safety net that picks up outbox rows whose wake-up was lost (rows written before the worker's
 * schema existed, or a job whose worker died while it held the job). `?max=1`: no retries pile
 * up, the next minute runs it again anyway.
 */
export const crontab = [
	`* * * * * ${SEARCH_INDEX_TASK} ?max=1`,
	`* * * * * ${MEMO_REMINDERS_TASK} ?max=1`,
	`* * * * * ${NOTIFICATIONS_DIGEST_TASK} ?max=1`,
	`5 * * * * ${PAGE_REVIEW_TASK} ?max=1`,
	`35 * * * * ${SEARCH_PRUNE_TASK} ?max=1`
].join('\n');
