/**
 * Test helpers for signed-in requests and sockets: a real session row and its cookie token.
 */
import { createSession, validateSessionTokenWithActor } from '../../src/lib/server/auth/session.ts';
import type { Database } from '../../src/lib/server/db/index.ts';

export const TEST_TIMEOUTS = { idleMs: 12 * 3_600_000, absoluteMs: 30 * 86_400_000 };

export async function sessionTokenFor(
	db: Database,
	userId: number,
	now = new Date()
): Promise<string> {
	return db.transaction().execute(async (trx) => {
		const { token } = await createSession(trx, {
			userId,
			authMethod: 'password',
			ip: '127.0.0.1',
			userAgent: 'vitest',
			timeouts: TEST_TIMEOUTS,
			now
		});
		return token;
	});
}

/** The session a token resolves to now (the app's one query also loads its person). */
export async function validateSessionToken(
	...args: Parameters<typeof validateSessionTokenWithActor>
) {
	return (await validateSessionTokenWithActor(...args))?.session ?? null;
}
