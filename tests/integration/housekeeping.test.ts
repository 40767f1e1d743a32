import { describe, expect, it } from 'vitest';
import { sweepAuthLeftovers } from '../../src/lib/server/auth/housekeeping.ts';
import { reserveSignInAttempt } from '../../src/lib/server/auth/throttle.ts';
import { newUser } from '../factories.ts';
import { createTestDatabase } from './database.ts';
import { sessionTokenFor, TEST_TIMEOUTS } from './sessions.ts';

const { db } = await createTestDatabase();

describe('auth housekeeping', () => {
	it('removes expired sessions, stale SSO attempts and spent throttle counters, and nothing live', async () => {
		const person = await newUser(db);
		const now = new Date('2026-06-01T12:00:00Z');
		await sessionTokenFor(db, person.id, new Date(now.getTime() - TEST_TIMEOUTS.idleMs - 1000));
		await sessionTokenFor(db, person.id, now);
		await db
			.insertInto('oidcLogin')
			.values([
				{
					state: 'old',
					codeVerifier: 'v',
					nonce: 'n',
					returnTo: '/',
					createdAt: new Date(now.getTime() - 3_600_000)
				},
				{ state: 'fresh', codeVerifier: 'v', nonce: 'n', returnTo: '/', createdAt: now }
			])
			.execute();
		await reserveSignInAttempt(
			db,
			{ email: 'old@example.test', ip: null },
			new Date(now.getTime() - 3_600_000)
		);
		await reserveSignInAttempt(db, { email: 'fresh@example.test', ip: null }, now);

		expect(await sweepAuthLeftovers(db, now)).toEqual({
			sessions: 1,
			ssoAttempts: 1,
			throttles: 1
		});
		expect(await db.selectFrom('session').select('userId').execute()).toHaveLength(1);
		expect(
			(await db.selectFrom('oidcLogin').select('state').execute()).map((r) => r.state)
		).toEqual(['fresh']);
		expect(
			(await db.selectFrom('signInThrottle').select('key').execute()).map((r) => r.key)
		).toEqual(['account:fresh@example.test']);
	});
});
