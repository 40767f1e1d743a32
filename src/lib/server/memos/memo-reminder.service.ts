/**
 * Reminders and escalation, decided by the database so that a restart never sends a reminder
 * twice or skips one: each batch claims due recipient rows with FOR UPDATE SKIP LOCKED, and in
 * the same transaction logs the reminders, writes their notification rows and moves each row to
 * its next step. A crash before commit leaves the rows as they were (the next run sends them);
 * after commit they are done. The clock is a parameter: the scheduled job passes `new Date()`.
 */
import type { Transaction } from 'kysely';
import { recordAudit } from '../audit/audit.service.ts';
import type { RequestContext } from '../context.ts';
import { db } from '../db/index.ts';
import type { DB } from '../db/schema.ts';
import { ConflictError, TooManyRequestsError } from '../errors.ts';
import { requireActor } from '../feeds/post.service.ts';
import { isoDay, loadMemo, requireAllowed } from './memo-access.ts';
import { dueReminder } from './memo-ladder.ts';
import { publishDueScheduledMemos } from './memo-publish.service.ts';
import { canViewMemoReport } from './memo.policy.ts';
import {
	advanceReminders,
	claimDueReminders,
	escalateOverdue,
	insertManualReminders,
	insertReminders,
	lastManualReminderAt,
	type ReminderToSend
} from './memo-reminder.repository.ts';

export type ReminderRunOptions = {
	batchSize?: number;
	/** Stop after this many batches (the rest waits for the next run). */
	maxBatches?: number;
	/**
	 * Called inside each batch's transaction before it commits; throwing aborts the batch as a
	 * crash would (used to prove that nothing is lost or sent twice).
	 */
	beforeCommit?: (batch: number) => void | Promise<void>;
};

export type ReminderRunResult = {
	published: number[];
	reminders: number;
	escalated: number;
	digests: number;
};

/** One batch: claim, decide, log and notify, advance. Returns how many rows it claimed. */
async function remindBatch(
	trx: Transaction<DB>,
	now: Date,
	batchSize: number
): Promise<{ claimed: number; sent: number }> {
	const due = await claimDueReminders(trx, now, batchSize);
	const toSend: ReminderToSend[] = [];
	const moves: { memoId: number; userId: number; step: number; at: Date | null }[] = [];
	for (const row of due) {
		const { send, next } = dueReminder(
			row.reminderLadder,
			row.deliveredAt,
			row.dueOn,
			row.reminderStep,
			now
		);
		if (send)
			toSend.push({
				memoId: row.memoId,
				userId: row.userId,
				step: send.index,
				coversFromStep: send.index > row.reminderStep ? row.reminderStep : null,
				kind: send.kind,
				scheduledFor: send.at
			});
		moves.push({
			memoId: row.memoId,
			userId: row.userId,
			step: next?.index ?? (send ? send.index + 1 : row.reminderStep),
			at: next?.at ?? null
		});
	}
	const sent = await insertReminders(trx, toSend, now);
	await advanceReminders(trx, moves);
	return { claimed: due.length, sent };
}

/**
 * Everything due at `now`: publishes scheduled memos whose time has come, sends each recipient
 * the latest reminder step that is due (steps missed during an outage are folded into one,
 * recorded with the steps it covers), and sends escalation digests (one per manager and memo,
 * listing their newly overdue people). Safe to run concurrently and to re-run after a crash.
 */
export async function runDueMemoReminders(
	now: Date = new Date(),
	options: ReminderRunOptions = {}
): Promise<ReminderRunResult> {
	const batchSize = options.batchSize ?? 1000;
	const published = await publishDueScheduledMemos(now);
	let reminders = 0;
	let batch = 0;
	for (;;) {
		if (options.maxBatches !== undefined && batch >= options.maxBatches) break;
		const current = batch++;
		const { claimed, sent } = await db()
			.transaction()
			.execute(async (trx) => {
				const result = await remindBatch(trx, now, batchSize);
				await options.beforeCommit?.(current);
				return result;
			});
		reminders += sent;
		if (claimed < batchSize) break;
	}
	// One statement for everyone newly overdue, so each manager gets one digest per memo.
	const { claimed: escalated, digests } = await db()
		.transaction()
		.execute((trx) => escalateOverdue(trx, isoDay(now), now));
	return { published, reminders, escalated, digests };
}

/** "Remind pending now" may be pressed once an hour per memo. */
export const MANUAL_REMINDER_INTERVAL_MS = 3_600_000;

/**
 * Sends every pending recipient a reminder now (notification rows), outside the ladder.
 * The issuer, the managers of the issuing department and administrators may; once an hour.
 * Throws ForbiddenError (audited), ConflictError (not published), TooManyRequestsError.
 */
export async function remindPendingNow(
	ctx: RequestContext,
	memoId: number,
	now: Date = new Date()
): Promise<{ reminded: number }> {
	const actor = requireActor(ctx);
	const memo = await loadMemo(db(), memoId);
	await requireAllowed(
		ctx,
		canViewMemoReport(actor, memo),
		'memo.remind',
		memoId,
		'Only the issuer, the managers of its department and administrators send reminders.'
	);
	return db()
		.transaction()
		.execute(async (trx) => {
			const current = await loadMemo(trx, memoId, true);
			if (current.status !== 'published')
				throw new ConflictError('Only a published memo has people to remind.');
			const last = await lastManualReminderAt(trx, memoId);
			if (last && now.getTime() - last.getTime() < MANUAL_REMINDER_INTERVAL_MS)
				throw new TooManyRequestsError(
					'Reminders for this memo were sent less than an hour ago.',
					(MANUAL_REMINDER_INTERVAL_MS - (now.getTime() - last.getTime())) / 1000
				);
			const reminded = await insertManualReminders(trx, memoId, now);
			await recordAudit(trx, ctx, {
				action: 'memo.remind',
				objectType: 'memo',
				objectId: memoId,
				occurredAt: now,
				details: { reminded }
			});
			return { reminded };
		});
}
