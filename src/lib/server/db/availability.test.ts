import { describe, expect, it } from 'vitest';
import { isDatabaseUnavailable, unavailableResponse } from './availability.ts';

describe('isDatabaseUnavailable', () => {
	it('recognises refused, reset and timed-out connections and server shutdowns', () => {
		expect(isDatabaseUnavailable(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }))).toBe(
			true
		);
		expect(isDatabaseUnavailable(Object.assign(new Error('x'), { code: '57P01' }))).toBe(true);
		expect(isDatabaseUnavailable(Object.assign(new Error('x'), { code: '08006' }))).toBe(true);
		expect(isDatabaseUnavailable(new Error('Connection terminated unexpectedly'))).toBe(true);
		expect(isDatabaseUnavailable(new Error('timeout exceeded when trying to connect'))).toBe(true);
		expect(
			isDatabaseUnavailable(
				new AggregateError([Object.assign(new Error('x'), { code: 'ECONNREFUSED' })])
			)
		).toBe(true);
		expect(
			isDatabaseUnavailable(
				new Error('wrapped', { cause: Object.assign(new Error('x'), { code: 'ECONNRESET' }) })
			)
		).toBe(true);
	});

	it('leaves other failures alone', () => {
		expect(isDatabaseUnavailable(Object.assign(new Error('x'), { code: '23505' }))).toBe(false);
		expect(isDatabaseUnavailable(new TypeError('undefined is not a function'))).toBe(false);
		expect(isDatabaseUnavailable(null)).toBe(false);
	});
});

describe('unavailableResponse', () => {
	it('answers 503 with Retry-After, as a page or as the API’s JSON', async () => {
		const page = unavailableResponse(new Request('http://x/feed'), 'req-1');
		expect(page.status).toBe(503);
		expect(page.headers.get('retry-after')).toBe('30');
		expect(await page.text()).toContain('Commons is briefly unavailable');
		const api = unavailableResponse(
			new Request('http://x/api/v1/feed', { headers: { accept: 'application/json' } }),
			'req-2'
		);
		expect(await api.json()).toMatchObject({ error: { code: 'unavailable' } });
	});
});
