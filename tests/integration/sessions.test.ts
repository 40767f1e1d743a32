/**
 * Sessions against a real database with a clock the test moves: idle and absolute expiry, the
 * sliding refresh and how often it writes, deactivation, and what is (not) stored.
 */
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import {
	endSessionsOf,
	listMySessions,
	signOutOtherSessions
} from '../../src/lib/server/auth/session.service.ts';
import type { RequestContext } from '../../src/lib/server/context.ts';
import { ForbiddenError } from '../../src/lib/server/errors.ts';
import { loadActor } from '../../src/lib/server/org/actor.ts';
import { grantRole, newUser } from '../factories.ts';
import { createTestDatabase } from './database.ts';
import { sessionTokenFor, TEST_TIMEOUTS, validateSessionToken } from './sessions.ts';

const { db } = await createTestDatabase();

const HOUR = 3_600_000;
const { idleMs, absoluteMs } = TEST_TIMEOUTS;
const T0 = new Date('2026-03-02T09:00:00.000Z');
const at = (ms: number) => new Date(T0.getTime() + ms);
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

async function sessionRow(token: string) {
	return db.selectFrom('session').selectAll().where('id', '=', sha256(token)).executeTakeFirst();
}

async function contextFor(userId: number): Promise<RequestContext> {
	return { actor: await loadActor(db, userId), ip: '127.0.0.1', userAgent: 'vitest' };
}

async function auditRows(action: string, objectId: number) {
	return db
		.selectFrom('auditEvent')
		.selectAll()
		.where('action', '=', action)
		.where('objectId', '=', String(objectId))
		.orderBy('id')
		.execute();
}

describe('validateSessionToken', () => {
	it('resolves a fresh token to its session', async () => {
		const person = await newUser(db);
		const token = await sessionTokenFor(db, person.id, T0);
		const session = await validateSessionToken(db, token, TEST_TIMEOUTS, at(60_000));
		expect(session).toMatchObject({
			id: sha256(token),
			userId: person.id,
			authMethod: 'password',
			createdAt: T0,
			absoluteExpiresAt: at(absoluteMs)
		});
	});

	it('ends a session idle for longer than its (slid) idle window, and deletes its row', async () => {
		const person = await newUser(db);
		const token = await sessionTokenFor(db, person.id, T0);
		expect(await validateSessionToken(db, token, TEST_TIMEOUTS, at(idleMs - 1))).not.toBeNull();
		// That check slid the window (it was more than idle/48 after creation): move past the new end.
		const row = await sessionRow(token);
		expect(row!.idleExpiresAt).toEqual(at(idleMs - 1 + idleMs));
		expect(
			await validateSessionToken(db, token, TEST_TIMEOUTS, new Date(row!.idleExpiresAt.getTime()))
		).toBeNull();
		expect(await sessionRow(token)).toBeUndefined();
	});

	it('ends an untouched session exactly at its idle expiry', async () => {
		const person = await newUser(db);
		const token = await sessionTokenFor(db, person.id, T0);
		expect(await validateSessionToken(db, token, TEST_TIMEOUTS, at(idleMs))).toBeNull();
		expect(await sessionRow(token)).toBeUndefined();
		// Once gone it stays gone, even at a time it would have been valid.
		expect(await validateSessionToken(db, token, TEST_TIMEOUTS, at(1000))).toBeNull();
	});

	it('slides the idle expiry on activity, writing at most once per idle/48', async () => {
		const person = await newUser(db);
		const token = await sessionTokenFor(db, person.id, T0);
		const step = idleMs / 48;

		// Within idle/48 of the last write: valid, nothing written.
		const early = await validateSessionToken(db, token, TEST_TIMEOUTS, at(step - 1000));
		expect(early!.idleExpiresAt).toEqual(at(idleMs));
		let row = await sessionRow(token);
		expect(row!.lastSeenAt).toEqual(T0);
		expect(row!.idleExpiresAt).toEqual(at(idleMs));

		// Past idle/48: the window slides and the row is written once.
		const slid = await validateSessionToken(db, token, TEST_TIMEOUTS, at(step + 1000));
		expect(slid!.idleExpiresAt).toEqual(at(step + 1000 + idleMs));
		row = await sessionRow(token);
		expect(row!.lastSeenAt).toEqual(at(step + 1000));
		expect(row!.idleExpiresAt).toEqual(at(step + 1000 + idleMs));

		// Many requests shortly after: no further writes.
		for (const offset of [1, 60_000, step - 1]) {
			await validateSessionToken(db, token, TEST_TIMEOUTS, at(step + 1000 + offset));
		}
		row = await sessionRow(token);
		expect(row!.lastSeenAt).toEqual(at(step + 1000));

		// Activity every idle - 1 h keeps it alive to three times the original idle expiry.
		const checks: number[] = [];
		for (let t = 2 * HOUR; t <= 3 * idleMs; t += idleMs - HOUR) {
			const session = await validateSessionToken(db, token, TEST_TIMEOUTS, at(t));
			expect(session, `at +${t / HOUR} h`).not.toBeNull();
			checks.push(t);
		}
		expect(Math.max(...checks)).toBeGreaterThan(2 * idleMs);
	});

	it('ends a session at its absolute age however active it is', async () => {
		const person = await newUser(db);
		const token = await sessionTokenFor(db, person.id, T0);
		let last = T0;
		for (let t = 6 * HOUR; t < absoluteMs; t += 6 * HOUR) {
			const session = await validateSessionToken(db, token, TEST_TIMEOUTS, at(t));
			expect(session, `active at +${t / HOUR} h`).not.toBeNull();
			// The sliding window never reaches past the absolute expiry.
			expect(session!.idleExpiresAt.getTime()).toBeLessThanOrEqual(at(absoluteMs).getTime());
			last = at(t);
		}
		expect(last.getTime()).toBeGreaterThan(at(absoluteMs - 6 * HOUR - 1).getTime());
		expect(await validateSessionToken(db, token, TEST_TIMEOUTS, at(absoluteMs))).toBeNull();
		expect(await sessionRow(token)).toBeUndefined();
	});

	it('refuses and removes the session of a deactivated person', async () => {
		const person = await newUser(db);
		const token = await sessionTokenFor(db, person.id, T0);
		await db
			.updateTable('users')
			.set({ status: 'deactivated' })
			.where('id', '=', person.id)
			.execute();
		expect(await validateSessionToken(db, token, TEST_TIMEOUTS, at(1000))).toBeNull();
		expect(await sessionRow(token)).toBeUndefined();
	});

	it('refuses malformed and unknown tokens', async () => {
		const person = await newUser(db);
		const token = await sessionTokenFor(db, person.id, T0);
		const malformed = [
			'',
			'short',
			token.toUpperCase(),
			`${token}a`,
			token.slice(1),
			`${token.slice(0, 31)}1`, // '1' is not in the base32 alphabet
			`${token.slice(0, 31)} `,
			sha256(token), // the stored id is not a token
			"' or 1=1 --aaaaaaaaaaaaaaaaaaaaaa"
		];
		for (const bad of malformed) {
			expect(await validateSessionToken(db, bad, TEST_TIMEOUTS, at(1000)), bad).toBeNull();
		}
		expect(await validateSessionToken(db, 'a'.repeat(32), TEST_TIMEOUTS, at(1000))).toBeNull();
		// None of that disturbed the real session.
		expect(await validateSessionToken(db, token, TEST_TIMEOUTS, at(1000))).not.toBeNull();
	});

	it('stores only the SHA-256 of the token, never the token', async () => {
		const person = await newUser(db);
		const token = await sessionTokenFor(db, person.id, T0);
		expect(token).toMatch(/^[a-z2-7]{32}$/);
		const row = await sessionRow(token);
		expect(row!.id).toBe(sha256(token));
		// Every column of every session row, as text.
		const { rows } = await sql<{ text: string }>`select s::text as text from session s`.execute(db);
		expect(rows.length).toBeGreaterThan(0);
		for (const r of rows) expect(r.text).not.toContain(token);
	});
});

describe('session service', () => {
	it('lists the caller’s live sessions, newest activity first, marking the current one', async () => {
		const person = await newUser(db);
		const other = await newUser(db);
		const now = new Date();
		const older = await sessionTokenFor(db, person.id, new Date(now.getTime() - 2 * HOUR));
		const current = await sessionTokenFor(db, person.id, new Date(now.getTime() - HOUR));
		const expired = await sessionTokenFor(db, person.id, new Date(now.getTime() - idleMs - HOUR));
		await sessionTokenFor(db, other.id, now);

		const sessions = await listMySessions(await contextFor(person.id), sha256(current), now);
		expect(sessions.map((s) => s.id)).toEqual([
			sha256(current).slice(0, 12),
			sha256(older).slice(0, 12)
		]);
		expect(sessions.map((s) => s.current)).toEqual([true, false]);
		expect(sessions[0]).toMatchObject({
			authMethod: 'password',
			ip: '127.0.0.1',
			userAgent: 'vitest'
		});
		// The list never hands out a full session id (it is the cookie's hash).
		for (const s of sessions) expect(s.id).toHaveLength(12);
		expect(sessions.map((s) => s.id)).not.toContain(sha256(expired).slice(0, 12));
	});

	it('signs the caller out everywhere else, keeps this session, and audits it', async () => {
		const person = await newUser(db);
		const bystander = await newUser(db);
		const current = await sessionTokenFor(db, person.id);
		const others = [await sessionTokenFor(db, person.id), await sessionTokenFor(db, person.id)];
		const theirs = await sessionTokenFor(db, bystander.id);

		const ended = await signOutOtherSessions(await contextFor(person.id), sha256(current));
		expect(ended).toBe(2);
		expect(await sessionRow(current)).toBeDefined();
		for (const t of others) expect(await sessionRow(t)).toBeUndefined();
		expect(await sessionRow(theirs)).toBeDefined();

		const audit = await auditRows('session.end_others', person.id);
		expect(audit).toHaveLength(1);
		expect(audit[0]).toMatchObject({
			actorId: person.id,
			outcome: 'success',
			details: { ended: 2 }
		});
	});

	it('lets an administrator end every session of a person, audited', async () => {
		const admin = await newUser(db);
		await grantRole(db, admin.id, 'admin');
		const person = await newUser(db);
		const tokens = [await sessionTokenFor(db, person.id), await sessionTokenFor(db, person.id)];
		const adminToken = await sessionTokenFor(db, admin.id);

		expect(await endSessionsOf(await contextFor(admin.id), person.id)).toBe(2);
		for (const t of tokens) {
			expect(await sessionRow(t)).toBeUndefined();
			expect(await validateSessionToken(db, t, TEST_TIMEOUTS)).toBeNull();
		}
		expect(await sessionRow(adminToken)).toBeDefined();

		const audit = await auditRows('session.end_all', person.id);
		expect(audit).toHaveLength(1);
		expect(audit[0]).toMatchObject({
			actorId: admin.id,
			outcome: 'success',
			objectType: 'user',
			details: { ended: 2 }
		});
	});

	it('refuses a non-administrator, records the refusal and ends nothing', async () => {
		const intruder = await newUser(db);
		const person = await newUser(db);
		const token = await sessionTokenFor(db, person.id);

		await expect(endSessionsOf(await contextFor(intruder.id), person.id)).rejects.toBeInstanceOf(
			ForbiddenError
		);
		expect(await sessionRow(token)).toBeDefined();
		const audit = await auditRows('session.end_all', person.id);
		expect(audit).toHaveLength(1);
		expect(audit[0]).toMatchObject({
			actorId: intruder.id,
			outcome: 'denied',
			objectType: 'user',
			ip: '127.0.0.1',
			userAgent: 'vitest'
		});
	});
});
