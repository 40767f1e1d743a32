/**
 * The `day` benchmark's own machinery, without a database: the verdict against the thresholds,
 * the reading of auto_explain's log, and the proxy's sticky sessions (two stand-in instances
 * behind the real proxy process, pages and WebSocket upgrades alike).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../bench/lib/app.ts';
import { PlanCollector, shapeOf } from '../../bench/lib/day/plans.ts';
import { pickTarget, startProxy } from '../../bench/lib/day/proxy.ts';
import { StepRecorder, THRESHOLDS } from '../../bench/lib/day/recorder.ts';

const sample = (ms: number, status = 200, action = 'feed') => ({
	action,
	ms,
	status,
	failed: false,
	bytes: 100
});

describe('a step of the ramp', () => {
	it('holds within the thresholds and names each one it breaks', () => {
		const fine = new StepRecorder();
		fine.start();
		for (let i = 0; i < 1000; i++) fine.request(sample(10 + (i % 20)));
		fine.delivery(30);
		fine.stop();
		expect(fine.summary(100).broken).toEqual([]);

		const slow = new StepRecorder();
		slow.start();
		for (let i = 0; i < 1000; i++) slow.request(sample(i < 985 ? 30 : 900));
		slow.request(sample(20, 503));
		slow.delivery(THRESHOLDS.deliveryP99Ms + 1);
		slow.stop();
		const summary = slow.summary(100);
		expect(summary.broken).toHaveLength(3);
		expect(summary.broken.join()).toMatch(/p99 900 ms > 500 ms.*5xx.*delivery p99/);
		expect(summary.serverErrors).toBe(1);
	});

	it('keeps sign-ins out of the latencies but counts their errors', () => {
		const step = new StepRecorder();
		step.request(sample(90, 303, 'sign in')); // before the window: sign-ins still count
		step.start();
		step.request(sample(5));
		step.request(sample(80, 503, 'sign in'));
		step.stop();
		const summary = step.summary(1);
		expect(summary.measurement.latencyMs.max).toBe(5);
		expect(summary.signInMs.count).toBe(2);
		expect(summary.serverErrors).toBe(1);
	});
});

describe('sampled plans', () => {
	it('matches a logged execution to its statement, literals or parameters alike, keeping the slowest', () => {
		const plans = new PlanCollector();
		const entry = (ms: number, text: string, plan: string) =>
			`2026-12-03 12:18:47.182 UTC [4117] LOG:  duration: ${ms} ms  plan:\n\tQuery Text: ${text}\n${plan}`;
		plans.feed(
			entry(
				0.2,
				'select * from post where id in ($1, $2) and kind = $3',
				"\tQuery Parameters: $1 = '1', $2 = '2', $3 = 'x'\n\tIndex Scan using post_pkey on post  (cost=0.1..8.2 rows=2 width=8) (actual time=0.01..0.02 rows=2.00 loops=1)\n\t  Buffers: shared hit=4"
			)
		);
		plans.feed(
			entry(
				3.5,
				"select * from post where id in (7, 8, 9) and kind = 'y'",
				'\tSeq Scan on post  (cost=0.0..99.0 rows=3 width=8) (actual time=0.1..3.4 rows=3.00 loops=1)'
			)
		);
		plans.feed('2026-12-03 12:18:48.000 UTC [4117] LOG:  checkpoint starting: time');
		const found = plans.planOf('select * from post where id in ($1 /*, ... */) and kind = $2');
		expect(found?.ms).toBe(3.5);
		expect(found?.plan).toMatch(/^Seq Scan on post/);
		expect(shapeOf("a = 'it''s' and b = 42")).toBe('a = ? and b = ?');
	});
});

describe('the proxy', () => {
	const servers: http.Server[] = [];
	afterAll(() => servers.forEach((s) => s.close()));

	async function instance(name: string): Promise<string> {
		const server = http.createServer((req, res) => res.end(name));
		server.on('upgrade', (req, socket) => {
			socket.end(
				`HTTP/1.1 101 Switching Protocols\r\nx-instance: ${name}\r\nupgrade: websocket\r\nconnection: upgrade\r\n\r\n`
			);
		});
		servers.push(server);
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	}

	it('keeps a session on one instance and spreads requests without one', async () => {
		const targets = [await instance('a'), await instance('b')];
		expect(pickTarget(targets, 'x=1; commons_session=abc', 0)).toBe(
			pickTarget(targets, 'commons_session=abc', 1)
		);
		const proxy = await startProxy(await freePort(), targets);
		try {
			const get = async (cookie?: string) =>
				(await fetch(proxy.url, { headers: cookie ? { cookie } : {} })).text();
			const anonymous = new Set([await get(), await get(), await get(), await get()]);
			expect(anonymous).toEqual(new Set(['a', 'b']));
			for (const session of ['s1', 's2', 's3', 's4']) {
				const first = await get(`commons_session=${session}`);
				expect(await get(`commons_session=${session}`)).toBe(first);
			}
			// A WebSocket upgrade with the session's cookie reaches the same instance as its pages.
			const upgraded = await new Promise<string>((resolve, reject) => {
				const req = http.request(proxy.url, {
					headers: { connection: 'upgrade', upgrade: 'websocket', cookie: 'commons_session=s1' }
				});
				req.on('upgrade', (res, socket) => {
					socket.destroy();
					resolve(String(res.headers['x-instance']));
				});
				req.on('error', reject);
				req.end();
			});
			expect(upgraded).toBe(await get('commons_session=s1'));
		} finally {
			await proxy.stop();
		}
	});
});
