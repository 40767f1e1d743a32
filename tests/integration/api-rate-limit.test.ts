/**
 * The JSON API's rate limits against a real database: per person whatever the credential, per
 * address, shared through PostgreSQL, and answered by the real hook with 429 and Retry-After.
 */
import { afterAll, describe, expect, it } from 'vitest';
import {
	deleteStaleRateLimits,
	enforceApiRateLimit,
	RATE_WINDOW_MS
} from '../../src/lib/server/api/rate-limit.ts';
import { createAccessToken } from '../../src/lib/server/auth/access-token.service.ts';
import { TooManyRequestsError } from '../../src/lib/server/errors.ts';
import { contextFor, newUser } from '../factories.ts';
import { createTestDatabase } from './database.ts';
import { sessionTokenFor } from './sessions.ts';

const { db } = await createTestDatabase();

const MINUTE = new Date('2026-12-03T10:00:00.000Z').getTime();
const at = (seconds: number) => new Date(MINUTE + seconds * 1000);

/** The error a call throws, or null when it is allowed. */
const refusal = (
	who: { userId: number | null; ip: string | null },
	limits: { perPerson: number; perAddress: number },
	now: Date
) =>
	enforceApiRateLimit(who, limits, now).then(
		() => null,
		(e: unknown) => e
	);

describe('enforceApiRateLimit', () => {
	it('allows a person their limit per minute, then refuses with the rest of the minute to wait', async () => {
		const { id } = await newUser(db);
		const limits = { perPerson: 3, perAddress: 0 };
		for (let i = 0; i < 3; i++)
			expect(await refusal({ userId: id, ip: null }, limits, at(10))).toBeNull();
		const refused = await refusal({ userId: id, ip: null }, limits, at(15.2));
		expect(refused).toBeInstanceOf(TooManyRequestsError);
		expect((refused as TooManyRequestsError).retryAfterSeconds).toBe(45);
		expect((refused as Error).message).toBe(
			'Too many requests. Please wait 45 seconds and try again.'
		);
		// Someone else is not held up by it.
		const other = await newUser(db);
		expect(await refusal({ userId: other.id, ip: null }, limits, at(16))).toBeNull();
		// The next minute starts afresh.
		expect(await refusal({ userId: id, ip: null }, limits, at(60))).toBeNull();
	});

	it('limits an address across people and anonymous requests', async () => {
		const limits = { perPerson: 100, perAddress: 4 };
		const ip = '203.0.113.7';
		const people = [await newUser(db), await newUser(db)];
		expect(await refusal({ userId: people[0]!.id, ip }, limits, at(1))).toBeNull();
		expect(await refusal({ userId: people[1]!.id, ip }, limits, at(2))).toBeNull();
		expect(await refusal({ userId: null, ip }, limits, at(3))).toBeNull();
		expect(await refusal({ userId: null, ip }, limits, at(4))).toBeNull();
		expect(await refusal({ userId: people[1]!.id, ip }, limits, at(5))).toBeInstanceOf(
			TooManyRequestsError
		);
		// The same people from another address are still welcome.
		expect(await refusal({ userId: people[1]!.id, ip: '198.51.100.1' }, limits, at(6))).toBeNull();
	});

	it('counts in the database, so every instance (and parallel requests) share one budget', async () => {
		const { id } = await newUser(db);
		const limits = { perPerson: 10, perAddress: 0 };
		const results = await Promise.all(
			Array.from({ length: 25 }, () => refusal({ userId: id, ip: null }, limits, at(30)))
		);
		expect(results.filter((r) => r === null)).toHaveLength(10);
		expect(results.filter((r) => r instanceof TooManyRequestsError)).toHaveLength(15);
		const row = await db
			.selectFrom('rateLimit')
			.selectAll()
			.where('key', '=', `api:user:${id}`)
			.executeTakeFirstOrThrow();
		expect(row).toMatchObject({ hits: 25, windowStart: at(0) });
	});

	it('counts nothing for a limit of 0, and housekeeping removes spent windows', async () => {
		const { id } = await newUser(db);
		expect(
			await refusal({ userId: id, ip: '192.0.2.55' }, { perPerson: 0, perAddress: 0 }, at(1))
		).toBeNull();
		const keys = await db.selectFrom('rateLimit').select('key').execute();
		expect(keys.map((k) => k.key)).not.toContain(`api:user:${id}`);
		expect(keys.map((k) => k.key)).not.toContain('api:ip:192.0.2.55');

		expect(await deleteStaleRateLimits(db, at(60))).toBe(0);
		expect(await deleteStaleRateLimits(db, new Date(MINUTE + 4 * RATE_WINDOW_MS))).toBeGreaterThan(
			0
		);
		expect(await db.selectFrom('rateLimit').select('key').execute()).toEqual([]);
	});
});

describe('the hook', () => {
	// Read by config() when the hook first asks, in this file's own module graph.
	process.env.API_RATE_LIMIT = '3';
	process.env.API_RATE_LIMIT_PER_IP = '5';
	afterAll(() => {
		delete process.env.API_RATE_LIMIT;
		delete process.env.API_RATE_LIMIT_PER_IP;
	});

	/** A request through the real hook, resolved by a stand-in for the route. */
	async function send(
		path: string,
		options: { ip: string; cookie?: string; bearer?: string }
	): Promise<Response> {
		const { handle } = await import('../../src/hooks.server.ts');
		const { sessionCookieName } = await import('../../src/lib/server/auth/cookie.ts');
		const url = new URL(path, 'http://commons.test');
		const headers = new Headers();
		if (options.bearer) headers.set('authorization', `Bearer ${options.bearer}`);
		const event = {
			url,
			request: new Request(url, { headers }),
			locals: {},
			cookies: {
				get: (name: string) => (name === sessionCookieName(false) ? options.cookie : undefined)
			},
			getClientAddress: () => options.ip
		};
		return handle({
			event: event as never,
			resolve: async () => Response.json({ ok: true })
		});
	}

	/** Starts at least 10 s before the end of a minute, so one window holds the whole test. */
	async function awayFromTheMinuteEnd() {
		const left = RATE_WINDOW_MS - (Date.now() % RATE_WINDOW_MS);
		if (left < 10_000) await new Promise((r) => setTimeout(r, left + 50));
	}

	it('answers 429 with Retry-After and the API error shape once a person used up their minute, by cookie or token', async () => {
		await awayFromTheMinuteEnd();
		const person = await newUser(db);
		const cookie = await sessionTokenFor(db, person.id);
		const { secret } = await createAccessToken(await contextFor(db, person.id), {
			name: 'script',
			expiresAt: null
		});
		// Three addresses, so only the person's own limit can be what refuses.
		expect((await send('/api/v1/me', { ip: '10.0.0.1', cookie })).status).toBe(200);
		expect((await send('/api/v1/me', { ip: '10.0.0.2', bearer: secret })).status).toBe(200);
		expect((await send('/api/v1/me', { ip: '10.0.0.3', cookie })).status).toBe(200);
		const refused = await send('/api/v1/me', { ip: '10.0.0.3', bearer: secret });
		expect(refused.status).toBe(429);
		const wait = Number(refused.headers.get('retry-after'));
		expect(wait).toBeGreaterThanOrEqual(1);
		expect(wait).toBeLessThanOrEqual(60);
		expect(await refused.json()).toEqual({
			error: {
				code: 'too_many_requests',
				message: `Too many requests. Please wait ${wait} seconds and try again.`
			}
		});
		// The refusal carries the security headers like every other response.
		expect(refused.headers.get('x-content-type-options')).toBe('nosniff');
		// Pages are not the API: the same person still gets them.
		expect((await send('/feed', { ip: '10.0.0.4', cookie })).status).toBe(200);
	});

	it('limits anonymous requests by address, before they reach the route', async () => {
		await awayFromTheMinuteEnd();
		const statuses = [];
		for (let i = 0; i < 7; i++)
			statuses.push((await send('/api/v1/openapi.json', { ip: '10.9.9.9' })).status);
		expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
		// Unknown tokens count against the address too.
		expect((await send('/api/v1/me', { ip: '10.9.9.9', bearer: 'cmn_guess' })).status).toBe(429);
		expect((await send('/api/v1/me', { ip: '10.9.9.8', bearer: 'cmn_guess' })).status).toBe(401);
	});
});
