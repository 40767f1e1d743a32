/**
 * Removes what sign-in leaves behind: expired sessions, abandoned single sign-on attempts and
 * throttle counters whose window and block have passed. Idempotent, so every instance may run
 * it; it moves onto the job queue when that arrives.
 */
import { deleteStaleRateLimits } from '../api/rate-limit.ts';
import type { Database } from '../db/index.ts';
import { deleteAbandonedUploads } from '../files/attachment.service.ts';
import { onShutdown } from '../lifecycle.ts';
import { logger } from '../log.ts';
import { deleteExpiredSessions } from './session.repository.ts';
import { THROTTLE_WINDOW_MS } from './throttle.ts';

const HOUR_MS = 3_600_000;
const SSO_ATTEMPT_MS = 10 * 60_000;

export async function sweepAuthLeftovers(db: Database, now: Date = new Date()) {
	const sessions = await deleteExpiredSessions(db, now);
	const ssoAttempts = await db
		.deleteFrom('oidcLogin')
		.where('createdAt', '<', new Date(now.getTime() - SSO_ATTEMPT_MS))
		.executeTakeFirst();
	const throttles = await db
		.deleteFrom('signInThrottle')
		.where('lastAttemptAt', '<', new Date(now.getTime() - THROTTLE_WINDOW_MS))
		.where((eb) => eb.or([eb('blockedUntil', 'is', null), eb('blockedUntil', '<', now)]))
		.executeTakeFirst();
	return {
		sessions,
		ssoAttempts: Number(ssoAttempts.numDeletedRows),
		throttles: Number(throttles.numDeletedRows)
	};
}

export function startAuthHousekeeping(db: Database): void {
	const run = () =>
		sweepAuthLeftovers(db)
			.then((removed) => logger().debug(removed, 'auth housekeeping'))
			// Uploads never attached to a post, and spent API rate counters, go on the same round.
			.then(() => deleteAbandonedUploads(db, new Date()))
			.then(() => deleteStaleRateLimits(db, new Date()))
			.catch((error) => logger().warn({ err: error }, 'housekeeping failed'));
	const timer = setInterval(run, HOUR_MS);
	timer.unref();
	void run();
	onShutdown('auth housekeeping', () => clearInterval(timer));
}
