/**
 * Rate limits on the JSON API, per person (whatever the credential: session or any of their
 * access tokens) and per client address, counted in PostgreSQL so several app instances share
 * one budget. Fixed one-minute windows: one upsert per request, and the Retry-After is simply
 * the rest of the window. A client may squeeze up to twice the limit across a window boundary;
 * the limits are sized for that.
 *
 * The address limit is higher because an office behind one address shares it; it is what stops
 * a flood of anonymous requests or guessed tokens, which have no person to count against.
 */
import { db, type Database } from '../db/index.ts';
import { TooManyRequestsError } from '../errors.ts';
import { countHits, deleteRateLimitsBefore } from './rate-limit.repository.ts';

export const RATE_WINDOW_MS = 60_000;

export type ApiRateLimits = { perPerson: number; perAddress: number };

function windowStartOf(now: Date): number {
	return Math.floor(now.getTime() / RATE_WINDOW_MS) * RATE_WINDOW_MS;
}

/**
 * Counts one occurrence of `key` in this minute's window; true for the first. For what anyone can
 * cause without a session and should leave a record of, but not one record each time (a bad
 * unsubscribe link: the audit trail is append-only).
 */
export async function isFirstInWindow(key: string, now: Date = new Date()): Promise<boolean> {
	const hits = await countHits(db(), [key], new Date(windowStartOf(now)));
	return hits.get(key) === 1;
}

/**
 * Counts one API request from `userId` (null when anonymous) at `ip` (null when unknown) and
 * throws TooManyRequestsError, with the seconds until the window ends, once either has used up
 * its limit in this window. A limit of 0 is no limit, and is not counted.
 */
export async function enforceApiRateLimit(
	who: { userId: number | null; ip: string | null },
	limits: ApiRateLimits,
	now: Date = new Date()
): Promise<void> {
	const checks: { key: string; limit: number }[] = [];
	if (who.userId !== null && limits.perPerson > 0)
		checks.push({ key: `api:user:${who.userId}`, limit: limits.perPerson });
	if (who.ip && limits.perAddress > 0)
		checks.push({ key: `api:ip:${who.ip}`, limit: limits.perAddress });
	if (checks.length === 0) return;
	const windowStart = windowStartOf(now);
	const hits = await countHits(
		db(),
		checks.map((c) => c.key),
		new Date(windowStart)
	);
	if (checks.some((c) => (hits.get(c.key) ?? 0) > c.limit)) {
		const seconds = (windowStart + RATE_WINDOW_MS - now.getTime()) / 1000;
		throw new TooManyRequestsError(
			`Too many requests. Please wait ${Math.max(1, Math.ceil(seconds))} seconds and try again.`,
			seconds
		);
	}
}

/** Housekeeping: counters of windows that ended are no longer needed. */
export function deleteStaleRateLimits(db: Database, now: Date): Promise<number> {
	return deleteRateLimitsBefore(db, new Date(now.getTime() - 2 * RATE_WINDOW_MS));
}
