/**
 * Sign-in throttling, stored in PostgreSQL so every app instance shares it.
 * - Per account: 5 free failures per 15 minutes, then a block that doubles from 30 s up to
 *   15 minutes. It slows guessing to a crawl but never locks the real person out for long,
 *   and a successful sign-in clears it.
 * - Per IP address: 100 failures per 15 minutes (offices share addresses), then 15 minutes.
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

function keysFor(input: { email: string; ip: string | null }): string[] {
	return input.ip ? [accountKey(input.email), ipKey(input.ip)] : [accountKey(input.email)];
}

/** Seconds until sign-in may be tried again for this email or address, or 0 when allowed now. */
export async function signInRetryAfterSeconds(
	db: Executor,
	input: { email: string; ip: string | null },
	now: Date
): Promise<number> {
	const rows = await db
		.selectFrom('signInThrottle')
		.where('key', 'in', keysFor(input))
		.where('blockedUntil', '>', now)
		.select('blockedUntil')
		.execute();
	const until = Math.max(0, ...rows.map((r) => r.blockedUntil!.getTime()));
	return until ? Math.ceil((until - now.getTime()) / 1000) : 0;
}

async function countFailure(db: Executor, key: string, now: Date): Promise<number> {
	const windowStart = new Date(now.getTime() - THROTTLE_WINDOW_MS);
	const row = await db
		.insertInto('signInThrottle')
		.values({ key, failures: 1, windowStartedAt: now })
		.onConflict((oc) =>
			oc.column('key').doUpdateSet({
				failures: sql`case when sign_in_throttle.window_started_at < ${windowStart} then 1 else sign_in_throttle.failures + 1 end`,
				windowStartedAt: sql`case when sign_in_throttle.window_started_at < ${windowStart} then ${now} else sign_in_throttle.window_started_at end`
			})
		)
		.returning('failures')
		.executeTakeFirstOrThrow();
	return row.failures;
}

async function block(db: Executor, key: string, until: Date): Promise<void> {
	await db
		.updateTable('signInThrottle')
		.set({ blockedUntil: until })
		.where('key', '=', key)
		.execute();
}

/** Counts a failed attempt against the account and the address, blocking them past their allowance. */
export async function recordSignInFailure(
	db: Executor,
	input: { email: string; ip: string | null },
	now: Date
): Promise<void> {
	const accountFailures = await countFailure(db, accountKey(input.email), now);
	if (accountFailures >= ACCOUNT_FREE_FAILURES) {
		const ms = Math.min(
			ACCOUNT_BASE_BLOCK_MS * 2 ** (accountFailures - ACCOUNT_FREE_FAILURES),
			MAX_BLOCK_MS
		);
		await block(db, accountKey(input.email), new Date(now.getTime() + ms));
	}
	if (input.ip) {
		const ipFailures = await countFailure(db, ipKey(input.ip), now);
		if (ipFailures >= IP_FREE_FAILURES)
			await block(db, ipKey(input.ip), new Date(now.getTime() + MAX_BLOCK_MS));
	}
}

/** A successful sign-in forgives the account's failures (not the address's). */
export async function clearAccountThrottle(db: Executor, email: string): Promise<void> {
	await db.deleteFrom('signInThrottle').where('key', '=', accountKey(email)).execute();
}
