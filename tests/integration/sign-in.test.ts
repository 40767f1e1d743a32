/**
 * Password sign-in against a real database and real Argon2id: sessions and audit rows, the one
 * message for every kind of wrong credentials, per-account and per-address throttling on a clock
 * the test moves, timing parity, and the hashing gate.
 */
import { createHook } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import { verify as argon2Verify } from '@node-rs/argon2';
import { describe, expect, it } from 'vitest';
import {
	HASH_CONCURRENCY,
	HASH_QUEUE_LIMIT,
	hashPassword,
	verifyPassword
} from '../../src/lib/server/auth/password.ts';
import {
	INVALID_CREDENTIALS,
	signInWithPassword
} from '../../src/lib/server/auth/sign-in.service.ts';
import {
	ACCOUNT_BASE_BLOCK_MS,
	ACCOUNT_FREE_FAILURES,
	IP_FREE_FAILURES,
	MAX_BLOCK_MS,
	recordSignInFailure
} from '../../src/lib/server/auth/throttle.ts';
import type { RequestContext } from '../../src/lib/server/context.ts';
import { BusyError, TooManyRequestsError, ValidationError } from '../../src/lib/server/errors.ts';
import { loadActor } from '../../src/lib/server/org/actor.ts';
import { changeMyPassword } from '../../src/lib/server/org/profile.service.ts';
import { newUser } from '../factories.ts';
import { createTestDatabase } from './database.ts';
import { TEST_TIMEOUTS, validateSessionToken } from './sessions.ts';

const { db } = await createTestDatabase();

const PASSWORD = 'tangerine-ladder-orbit';
const passwordHash = await hashPassword(PASSWORD);
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

let addresses = 0;
/** A context from an address no other test uses, so per-address counts do not leak between tests. */
function anonymous(
	ip = `10.0.${Math.floor(++addresses / 250)}.${addresses % 250}`
): RequestContext {
	return { actor: null, ip, userAgent: 'vitest' };
}

async function account(overrides: { status?: string; passwordHash?: string | null } = {}) {
	return newUser(db, { passwordHash, ...overrides });
}

async function attempt(
	ctx: RequestContext,
	email: string,
	password: string,
	now: Date
): Promise<unknown> {
	try {
		return await signInWithPassword(ctx, { email, password }, TEST_TIMEOUTS, now);
	} catch (error) {
		return error;
	}
}

async function signInAudit(label: string) {
	return db
		.selectFrom('auditEvent')
		.selectAll()
		.where('action', '=', 'auth.sign_in')
		.where((eb) => eb.or([eb('actorLabel', '=', label), eb('actorLabel', 'like', `% <${label}>`)]))
		.orderBy('id')
		.execute();
}

async function throttleRow(key: string) {
	return db.selectFrom('signInThrottle').selectAll().where('key', '=', key).executeTakeFirst();
}

const median = (values: number[]) => {
	const sorted = [...values].sort((a, b) => a - b);
	const mid = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/** Counts argon2 verifications in flight in the native thread pool, whoever started them. */
async function watchNativeWork() {
	// Learn which async resource type the argon2 binding creates: the one that appears exactly
	// once per call in three direct calls (Node's own promise and tick types aside).
	const ignored = new Set(['PROMISE', 'TickObject', 'Timeout', 'Immediate', 'Microtask']);
	const counts = new Map<string, number>();
	const learn = createHook({
		init(_id, type) {
			if (!ignored.has(type)) counts.set(type, (counts.get(type) ?? 0) + 1);
		}
	}).enable();
	await Promise.all([1, 2, 3].map(() => argon2Verify(passwordHash, PASSWORD)));
	learn.disable();
	const candidates = [...counts].filter(([, n]) => n === 3).map(([t]) => t);
	expect(candidates).toHaveLength(1);
	const type = candidates[0];

	const live = new Set<number>();
	let peak = 0;
	let started = 0;
	const hook = createHook({
		init(id, t) {
			if (t !== type) return;
			live.add(id);
			started++;
			peak = Math.max(peak, live.size);
		},
		before(id) {
			live.delete(id);
		}
	});
	hook.enable();
	return {
		stop: () => hook.disable(),
		get peak() {
			return peak;
		},
		get started() {
			return started;
		}
	};
}

describe('signInWithPassword', () => {
	it('signs in with the right password: a session, its token, and an audit row', async () => {
		const person = await account();
		const now = new Date();
		// Email is matched without regard to case or surrounding spaces.
		const result = await signInWithPassword(
			anonymous(),
			{ email: `  ${person.email.toUpperCase()} `, password: PASSWORD },
			TEST_TIMEOUTS,
			now
		);
		expect(result.userId).toBe(person.id);
		expect(result.expiresAt).toEqual(new Date(now.getTime() + TEST_TIMEOUTS.absoluteMs));

		const session = await db
			.selectFrom('session')
			.selectAll()
			.where('userId', '=', person.id)
			.executeTakeFirstOrThrow();
		expect(session.id).toBe(sha256(result.token));
		expect(session.authMethod).toBe('password');
		expect((await validateSessionToken(db, result.token, TEST_TIMEOUTS, now))?.userId).toBe(
			person.id
		);

		const audit = await signInAudit(person.email);
		expect(audit).toHaveLength(1);
		expect(audit[0]).toMatchObject({
			actorId: person.id,
			outcome: 'success',
			objectType: 'user',
			objectId: String(person.id),
			details: { method: 'password' },
			occurredAt: now
		});
	});

	it('gives the same answer for an unknown email, a wrong password and a deactivated account, recording why', async () => {
		const active = await account();
		const deactivated = await account({ status: 'deactivated' });
		const unknown = `nobody-${Date.now()}@example.test`;
		const now = new Date();

		const errors = [
			await attempt(anonymous(), unknown, PASSWORD, now),
			await attempt(anonymous(), active.email, 'not-the-password-at-all', now),
			await attempt(anonymous(), deactivated.email, PASSWORD, now)
		];
		for (const error of errors) {
			expect(error).toBeInstanceOf(ValidationError);
			expect((error as ValidationError).message).toBe(INVALID_CREDENTIALS);
			expect((error as ValidationError).fields).toEqual({});
		}

		const reasons = await Promise.all(
			[unknown, active.email, deactivated.email].map(async (email) => {
				const rows = await signInAudit(email);
				expect(rows, email).toHaveLength(1);
				expect(rows[0]).toMatchObject({ outcome: 'failure', actorId: null, actorLabel: email });
				return (rows[0]!.details as { reason: string }).reason;
			})
		);
		expect(reasons).toEqual(['unknown_email', 'wrong_password', 'deactivated']);

		const sessions = await db
			.selectFrom('session')
			.select('id')
			.where('userId', 'in', [active.id, deactivated.id])
			.execute();
		expect(sessions).toHaveLength(0);
	});

	it('refuses an account without a password (single sign-on only) like a wrong password', async () => {
		const ssoOnly = await account({ passwordHash: null });
		const error = await attempt(anonymous(), ssoOnly.email, PASSWORD, new Date());
		expect(error).toBeInstanceOf(ValidationError);
		expect((error as Error).message).toBe(INVALID_CREDENTIALS);
	});
});

describe('throttling', () => {
	it('blocks an account after 5 failures, before checking the password, until the block expires', async () => {
		const person = await account();
		const ctx = anonymous();
		const t0 = new Date();
		for (let i = 0; i < ACCOUNT_FREE_FAILURES; i++) {
			expect(await attempt(ctx, person.email, `wrong-guess-number-${i}`, t0)).toBeInstanceOf(
				ValidationError
			);
		}

		const blocked = await attempt(ctx, person.email, 'wrong-guess-number-6', t0);
		expect(blocked).toBeInstanceOf(TooManyRequestsError);
		expect((blocked as TooManyRequestsError).retryAfterSeconds).toBeGreaterThanOrEqual(30);

		// The right password changes nothing while blocked, and is not even counted as an attempt:
		// no hash is computed at all.
		const before = await throttleRow(`account:${person.email}`);
		const watch = await watchNativeWork();
		let right: unknown;
		try {
			right = await attempt(ctx, person.email, PASSWORD, new Date(t0.getTime() + 10_000));
		} finally {
			watch.stop();
		}
		expect(watch.started).toBe(0);
		expect(right).toBeInstanceOf(TooManyRequestsError);
		expect((right as TooManyRequestsError).retryAfterSeconds).toBe(20);
		expect(await throttleRow(`account:${person.email}`)).toEqual(before);
		expect(before!.failures).toBe(ACCOUNT_FREE_FAILURES);
		// A script hammering the blocked account adds nothing to the append-only trail: the first
		// refusal of the block is its record.
		for (let i = 0; i < 20; i++)
			await attempt(ctx, person.email, `flood-${i}`, new Date(t0.getTime() + 11_000 + i));
		const reasons = (await signInAudit(person.email)).map(
			(r) => (r.details as { reason?: string }).reason
		);
		expect(reasons).toEqual([...Array(ACCOUNT_FREE_FAILURES).fill('wrong_password'), 'throttled']);
		expect(
			await db.selectFrom('session').select('id').where('userId', '=', person.id).execute()
		).toHaveLength(0);

		// Once the block has passed, the right password works and forgives the account's failures.
		const later = new Date(t0.getTime() + ACCOUNT_BASE_BLOCK_MS + 1000);
		const success = await attempt(ctx, person.email, PASSWORD, later);
		expect(success).toMatchObject({ userId: person.id });
		expect(await throttleRow(`account:${person.email}`)).toBeUndefined();
		// The address keeps its count: a success forgives the account, not the address.
		expect((await throttleRow(`ip:${ctx.ip}`))?.failures).toBe(ACCOUNT_FREE_FAILURES);

		// A fresh count: another 4 failures are allowed without a block.
		for (let i = 0; i < ACCOUNT_FREE_FAILURES - 1; i++) {
			expect(await attempt(ctx, person.email, `again-wrong-${i}`, later)).toBeInstanceOf(
				ValidationError
			);
		}
		expect((await throttleRow(`account:${person.email}`))?.blockedUntil).toBeNull();
	});

	it('doubles the block with each further failure, up to 15 minutes', async () => {
		const person = await account();
		const ctx = anonymous();
		let now = new Date();
		for (let i = 0; i < ACCOUNT_FREE_FAILURES; i++)
			await attempt(ctx, person.email, 'wrong-one-x', now);
		const blocks: number[] = [];
		for (let i = 0; i < 7; i++) {
			const row = await throttleRow(`account:${person.email}`);
			blocks.push(row!.blockedUntil!.getTime() - now.getTime());
			// Wait out the block, then fail again.
			now = new Date(row!.blockedUntil!.getTime() + 1);
			expect(await attempt(ctx, person.email, 'wrong-one-y', now)).toBeInstanceOf(ValidationError);
		}
		expect(blocks.slice(0, 4)).toEqual([30_000, 60_000, 120_000, 240_000]);
		expect(Math.max(...blocks)).toBeLessThanOrEqual(MAX_BLOCK_MS);
	});

	it('lets a failure count lapse after the 15-minute window', async () => {
		const person = await account();
		const ctx = anonymous();
		const t0 = new Date();
		for (let i = 0; i < ACCOUNT_FREE_FAILURES - 1; i++)
			await attempt(ctx, person.email, 'wrong-lapse-1', t0);
		const later = new Date(t0.getTime() + 15 * 60_000 + 1000);
		await attempt(ctx, person.email, 'wrong-lapse-2', later);
		const row = await throttleRow(`account:${person.email}`);
		expect(row).toMatchObject({ failures: 1, blockedUntil: null });
		expect(await attempt(ctx, person.email, PASSWORD, later)).toMatchObject({ userId: person.id });
	});

	it('blocks every account from an address after 100 failures from it', async () => {
		const victim = await account();
		const ip = '192.0.2.77';
		const now = new Date();
		for (let i = 0; i < IP_FREE_FAILURES - 1; i++) {
			await recordSignInFailure(db, { email: `spray-${i}@example.test`, ip }, now);
		}
		// 99 failures: still allowed.
		expect(await attempt(anonymous(ip), victim.email, PASSWORD, now)).toMatchObject({
			userId: victim.id
		});
		await recordSignInFailure(db, { email: 'spray-last@example.test', ip }, now);

		const blocked = await attempt(anonymous(ip), victim.email, PASSWORD, now);
		expect(blocked).toBeInstanceOf(TooManyRequestsError);
		expect((blocked as TooManyRequestsError).retryAfterSeconds).toBe(MAX_BLOCK_MS / 1000);
		// The same person from another address is not affected.
		expect(await attempt(anonymous(), victim.email, PASSWORD, now)).toMatchObject({
			userId: victim.id
		});
		// The address is free again after 15 minutes.
		const later = new Date(now.getTime() + MAX_BLOCK_MS + 1000);
		expect(await attempt(anonymous(ip), victim.email, PASSWORD, later)).toMatchObject({
			userId: victim.id
		});
	});

	it('does not let parallel guesses exceed the allowance of an account', async () => {
		const person = await account();
		const now = new Date();
		const guesses = 12;
		const outcomes = await Promise.all(
			Array.from({ length: guesses }, (_, i) =>
				attempt(anonymous(), person.email, `parallel-guess-${i}`, now)
			)
		);
		const checked = outcomes.filter((o) => o instanceof ValidationError).length;
		const refused = outcomes.filter((o) => o instanceof TooManyRequestsError).length;
		expect(checked + refused).toBe(guesses);
		// Each ValidationError is a password that was actually tried.
		expect(checked).toBeLessThanOrEqual(ACCOUNT_FREE_FAILURES);
	});
});

describe('changing a password', () => {
	it('throttles and audits guesses of the current password like sign-in attempts', async () => {
		const person = await account();
		const ctx: RequestContext = {
			actor: await loadActor(db, person.id),
			ip: '10.9.9.9',
			userAgent: 'vitest'
		};
		const change = (currentPassword: string) =>
			changeMyPassword(ctx, null, { currentPassword, newPassword: 'a-brand-new-passphrase-42' });
		for (let i = 0; i < ACCOUNT_FREE_FAILURES; i++)
			await expect(change(`guess ${i}`)).rejects.toThrow(ValidationError);
		// The right password too, once the allowance is used up: the guesser cannot tell.
		await expect(change(PASSWORD)).rejects.toThrow(TooManyRequestsError);
		const failures = await db
			.selectFrom('auditEvent')
			.select('outcome')
			.where('action', '=', 'auth.password_change')
			.where('objectId', '=', String(person.id))
			.execute();
		expect(failures).toHaveLength(ACCOUNT_FREE_FAILURES);
		expect(failures.every((f) => f.outcome === 'failure')).toBe(true);
		// Signing in is blocked for the account as well: it is one allowance.
		await expect(
			signInWithPassword(anonymous(), { email: person.email, password: PASSWORD }, TEST_TIMEOUTS)
		).rejects.toThrow(TooManyRequestsError);
	});
});

describe('timing', () => {
	it('takes about as long for an unknown email as for a wrong password', async () => {
		const people = await Promise.all([account(), account(), account()]);
		const now = new Date();
		// Warm up both paths (the dummy hash is created on first use).
		await attempt(anonymous(), `warmup-${Date.now()}@example.test`, 'whatever-password', now);
		await attempt(anonymous(), people[0]!.email, 'whatever-password', now);

		const unknown: number[] = [];
		const wrong: number[] = [];
		for (let i = 0; i < 9; i++) {
			let started = performance.now();
			await attempt(anonymous(), `unknown-${i}-${Date.now()}@example.test`, 'guess-password', now);
			unknown.push(performance.now() - started);
			started = performance.now();
			await attempt(anonymous(), people[i % 3]!.email, 'guess-password', now);
			wrong.push(performance.now() - started);
		}
		const ratio = median(unknown) / median(wrong);
		expect(ratio, `unknown ${median(unknown)} ms, wrong ${median(wrong)} ms`).toBeGreaterThan(0.5);
		expect(ratio).toBeLessThan(2.0);
	});
});

describe('the hashing gate', () => {
	it('sees the native work it counts: ungated verifications all run at once', async () => {
		const watch = await watchNativeWork();
		try {
			await Promise.all([1, 2, 3, 4].map(() => argon2Verify(passwordHash, PASSWORD)));
		} finally {
			watch.stop();
		}
		expect(watch.started).toBe(4);
		expect(watch.peak).toBe(4);
	});

	it('never runs more than HASH_CONCURRENCY hashes at once, and refuses beyond the queue', async () => {
		const watch = await watchNativeWork();
		const total = HASH_CONCURRENCY + HASH_QUEUE_LIMIT + 3;
		let results: PromiseSettledResult<boolean>[];
		try {
			results = await Promise.allSettled(
				Array.from({ length: total }, (_, i) =>
					verifyPassword(passwordHash, i % 2 ? PASSWORD : 'not-it-at-all')
				)
			);
		} finally {
			watch.stop();
		}
		const refused = results.filter((r) => r.status === 'rejected');
		expect(refused).toHaveLength(3);
		for (const r of refused) expect((r as PromiseRejectedResult).reason).toBeInstanceOf(BusyError);
		const answers = results.filter((r) => r.status === 'fulfilled').map((r) => r.value);
		expect(answers).toHaveLength(HASH_CONCURRENCY + HASH_QUEUE_LIMIT);
		// The queued ones really verified (right and wrong answers), not just returned.
		expect(answers.filter(Boolean).length).toBeGreaterThan(0);
		expect(answers.filter((a) => !a).length).toBeGreaterThan(0);

		expect(watch.started).toBe(HASH_CONCURRENCY + HASH_QUEUE_LIMIT);
		expect(watch.peak).toBe(HASH_CONCURRENCY);
	});

	it('frees its slots afterwards, also after a failed verification', async () => {
		// A malformed hash makes the binding throw; the slot must still be released.
		const broken = await Promise.all(
			Array.from({ length: HASH_CONCURRENCY + 2 }, () => verifyPassword('not-a-hash', PASSWORD))
		);
		expect(broken.every((b) => b === false)).toBe(true);

		const results = await Promise.allSettled(
			Array.from({ length: HASH_CONCURRENCY + HASH_QUEUE_LIMIT }, () =>
				verifyPassword(passwordHash, PASSWORD)
			)
		);
		expect(results.every((r) => r.status === 'fulfilled' && r.value === true)).toBe(true);
	});

	it('answers a sign-in with BusyError while the gate is full', async () => {
		const person = await account();
		// Keep the gate full until the sign-in has its answer: each finished hash queues another,
		// so however slowly the database answers on a busy machine, the queue never drains first.
		let signInDone = false;
		const keepBusy = async (): Promise<void> => {
			while (!signInDone) await verifyPassword(passwordHash, 'flood-password');
		};
		const flood = Array.from({ length: HASH_CONCURRENCY + HASH_QUEUE_LIMIT }, keepBusy);
		const outcome = await attempt(anonymous(), person.email, PASSWORD, new Date());
		signInDone = true;
		await Promise.all(flood);
		expect(outcome).toBeInstanceOf(BusyError);
	});
});
