/**
 * Sign-in throttling, stored in PostgreSQL so every app instance shares it.
 * - Per account: 5 free attempts, then a block that doubles from 30 s up to 15 minutes. The count
 *   lapses only after 15 quiet minutes (after the last attempt and the last block), so a patient guesser stays at the
 *   cap (about 4 guesses an hour) while the real person is never locked out for long, and a
 *   successful sign-in clears it.
 * - Per IP address: 100 failures without a 15-minute pause (offices share addresses), then a
 *   15-minute block.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';

type Executor = Kysely<DB> | Transaction<DB>;

export const THROTTLE_WINDOW_MS = 15 * 60_000;
export const ACCOUNT_FREE_FAILURES = 5;
export const ACCOUNT_BASE_BLOCK_MS = 30_000;
export const MAX_BLOCK_MS = 15 * 60_000;
export const IP_FREE_FAILURES = 100;

const accountKey = (email: string) => `account:${email.trim().toLowerCase()}`;
const ipKey = (ip: string) => `ip:${ip}`;

async function retryAfterSeconds(db: Executor, keys: string[], now: Date): Promise<number> {
	const rows = await db
		.selectFrom('signInThrottle')
		.where('key', 'in', keys)
		.where('blockedUntil', '>', now)
		.select('blockedUntil')
		.execute();
	const until = Math.max(0, ...rows.map((r) => r.blockedUntil!.getTime()));
	return until ? Math.ceil((until - now.getTime()) / 1000) : 0;
}

function accountBlockMs(attempts: number): number {
	return Math.min(ACCOUNT_BASE_BLOCK_MS * 2 ** (attempts - ACCOUNT_FREE_FAILURES), MAX_BLOCK_MS);
}

/**
 * Claims one sign-in attempt before the password is checked, or returns the seconds to wait.
 *
 * Check, count and block happen in one short transaction holding the account's row lock, so
 * parallel guesses cannot all slip past the check before the first failure is written: the
 * attempt that uses up the allowance blocks the next ones at once. A blocked attempt changes
 * nothing. A successful sign-in then clears the account (`clearAccountThrottle`).
 */
export async function reserveSignInAttempt(
	db: Kysely<DB>,
	input: { email: string; ip: string | null },
	now: Date
): Promise<number> {
	if (input.ip) {
		const addressWait = await retryAfterSeconds(db, [ipKey(input.ip)], now);
		if (addressWait > 0) return addressWait;
	}
	const key = accountKey(input.email);
	return db.transaction().execute(async (trx) => {
		await trx
			.insertInto('signInThrottle')
			.values({ key, failures: 0, lastAttemptAt: now })
			.onConflict((oc) => oc.column('key').doNothing())
			.execute();
		const row = await trx
			.selectFrom('signInThrottle')
			.where('key', '=', key)
			.select(['failures', 'lastAttemptAt', 'blockedUntil'])
			.forUpdate()
			.executeTakeFirstOrThrow();
		if (row.blockedUntil && row.blockedUntil > now) {
			return Math.ceil((row.blockedUntil.getTime() - now.getTime()) / 1000);
		}
		// Quiet time counts from the last attempt or the end of the last block, whichever is later.
		const quietSince = Math.max(row.lastAttemptAt.getTime(), row.blockedUntil?.getTime() ?? 0);
		const lapsed = quietSince < now.getTime() - THROTTLE_WINDOW_MS;
		const failures = lapsed ? 1 : row.failures + 1;
		await trx
			.updateTable('signInThrottle')
			.set({
				failures,
				lastAttemptAt: now,
				// This attempt uses up the allowance: block the next ones now, whatever its outcome.
				blockedUntil:
					failures >= ACCOUNT_FREE_FAILURES
						? new Date(now.getTime() + accountBlockMs(failures))
						: null
			})
			.where('key', '=', key)
			.execute();
		return 0;
	});
}

/**
 * Whether this refused attempt is the first of its block (for the account or the address), and
 * notes that it was: only that one goes to the audit trail, so attempts sent while blocked cannot
 * grow the append-only trail without end.
 */
export async function isFirstRefusalOfBlock(
	db: Executor,
	input: { email: string; ip: string | null },
	now: Date
): Promise<boolean> {
	const keys = [accountKey(input.email), ...(input.ip ? [ipKey(input.ip)] : [])];
	const noted = await db
		.updateTable('signInThrottle')
		.set({ refusalAuditedUntil: sql`blocked_until` })
		.where('key', 'in', keys)
		.where('blockedUntil', '>', now)
		.where(sql<boolean>`refusal_audited_until is distinct from blocked_until`)
		.returning('key')
		.execute();
	return noted.length > 0;
}

async function block(db: Executor, key: string, until: Date): Promise<void> {
	await db
		.updateTable('signInThrottle')
		.set({ blockedUntil: until })
		.where('key', '=', key)
		.execute();
}

/**
 * Counts a failed attempt against the address (the account was counted when the attempt was
 * reserved). Only failures count, so an office behind one address can all sign in.
 */
export async function recordSignInFailure(
	db: Executor,
	input: { email: string; ip: string | null },
	now: Date
): Promise<void> {
	if (!input.ip) return;
	const key = ipKey(input.ip);
	const windowStart = new Date(now.getTime() - THROTTLE_WINDOW_MS);
	const row = await db
		.insertInto('signInThrottle')
		.values({ key, failures: 1, lastAttemptAt: now })
		.onConflict((oc) =>
			oc.column('key').doUpdateSet({
				failures: sql`case when sign_in_throttle.last_attempt_at < ${windowStart} then 1 else sign_in_throttle.failures + 1 end`,
				lastAttemptAt: now
			})
		)
		.returning('failures')
		.executeTakeFirstOrThrow();
	if (row.failures >= IP_FREE_FAILURES)
		await block(db, key, new Date(now.getTime() + MAX_BLOCK_MS));
}

/** A successful sign-in forgives the account's failures (not the address's). */
export async function clearAccountThrottle(db: Executor, email: string): Promise<void> {
	await db.deleteFrom('signInThrottle').where('key', '=', accountKey(email)).execute();
}
