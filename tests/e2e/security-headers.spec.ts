/**
 * Security headers and cookies on every kind of response the production build gives: pages,
 * form action results, redirects, the JSON API, file downloads, socket.io's handshake and
 * polling, static assets, adapter-node's own errors and the 404 and 500 pages; the session
 * cookie's attributes; sign-in throttling over HTTP.
 *
 * The shared e2e server has an http ORIGIN, so it must not send HSTS. A second instance of the
 * same build, on the same database but behind a TCP relay this file controls and with an https
 * ORIGIN, proves HSTS everywhere and, when the relay is cut, the 500 page SvelteKit writes when
 * the hook itself fails.
 */
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import type { APIRequestContext, APIResponse } from '@playwright/test';
import { appInstance, type AppInstance } from './app-instance.ts';
import { DEMO_PASSWORD, people, sessionCookie } from './auth.ts';
import { expect, test } from './fixtures.ts';

type Headers = Record<string, string>;
type CspKind = 'nonce' | 'fallback' | 'sandbox';

/** What every response must carry; `csp` says which policy this one should have. */
function expectSecure(headers: Headers, csp: CspKind, hsts = false): void {
	expect(headers['x-content-type-options']).toBe('nosniff');
	expect(headers['referrer-policy']).toBe('strict-origin-when-cross-origin');
	expect(headers['x-frame-options']).toBe('DENY');
	const policy = headers['content-security-policy'] ?? '';
	const directives = new Map(
		policy
			.split(';')
			.map((d) => d.trim().split(/\s+/))
			.filter((d) => d[0])
			.map(([name, ...values]) => [name!, values])
	);
	expect(directives.get('object-src') ?? directives.get('default-src'), policy).toEqual(["'none'"]);
	expect(directives.get('base-uri'), policy).toEqual(["'none'"]);
	expect(directives.get('frame-ancestors'), policy).toEqual(["'none'"]);
	if (csp === 'nonce') {
		const scripts = directives.get('script-src') ?? [];
		expect(scripts).toContain("'self'");
		expect(
			scripts.some((s) => /^'nonce-[\w+/=-]{16,}'$/.test(s)),
			policy
		).toBe(true);
		expect(scripts).not.toContain("'unsafe-inline'");
		expect(scripts).not.toContain("'unsafe-eval'");
	} else {
		// Nothing may run: no script source at all, and a default of none.
		expect(directives.get('default-src'), policy).toEqual(["'none'"]);
		expect(directives.has('script-src'), policy).toBe(false);
		if (csp === 'sandbox') expect(directives.has('sandbox'), policy).toBe(true);
	}
	if (hsts)
		expect(headers['strict-transport-security']).toBe('max-age=63072000; includeSubDomains');
	else expect(headers['strict-transport-security']).toBeUndefined();
}

/** A raw request through Node's client, for what Playwright's client will not send. */
function rawRequest(
	url: string,
	options: http.RequestOptions = {}
): Promise<{ status: number; headers: Headers }> {
	return new Promise((resolve, reject) => {
		const req = http.request(url, options, (res) => {
			res.resume();
			res.on('end', () =>
				resolve({ status: res.statusCode!, headers: res.headers as unknown as Headers })
			);
		});
		req.on('error', reject);
		req.end();
	});
}

/** The engine.io handshake: what a browser's socket.io client asks first. */
async function realtimeHandshake(request: APIRequestContext, cookie?: string) {
	return request.get('/realtime/?EIO=4&transport=polling', {
		headers: cookie ? { cookie } : {}
	});
}

/** Posts the sign-in form as a browser without JavaScript would. */
function postSignIn(
	request: APIRequestContext,
	origin: string,
	email: string,
	password: string
): Promise<APIResponse> {
	return request.post('/login', {
		form: { email, password },
		headers: { origin, accept: 'text/html' },
		maxRedirects: 0
	});
}

test.describe('the e2e server (http origin)', () => {
	test('pages carry a nonce CSP that their scripts use', async ({ request }) => {
		const login = await request.get('/login');
		expect(login.status()).toBe(200);
		expectSecure(login.headers(), 'nonce');
		const nonce = login.headers()['content-security-policy']!.match(/'nonce-([^']+)'/)![1];
		const html = await login.text();
		expect(html).toContain(`nonce="${nonce}"`);
		// Every inline script carries it; a second request gets a fresh one.
		for (const [tag] of html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>/g))
			expect(tag).toContain(`nonce="${nonce}"`);
		const again = await request.get('/login');
		expect(again.headers()['content-security-policy']).not.toContain(nonce);

		const cookie = await sessionCookie(request, test.info().project.use.baseURL!);
		const feed = await request.get('/feed', { headers: { cookie } });
		expect(feed.status()).toBe(200);
		expectSecure(feed.headers(), 'nonce');
	});

	test('redirects, form action results and the session cookie', async ({ request, baseURL }) => {
		const anonymous = await request.get('/feed', { maxRedirects: 0 });
		expect(anonymous.status()).toBe(303);
		expect(anonymous.headers().location).toBe('/login?next=%2Ffeed');
		expectSecure(anonymous.headers(), 'fallback');

		// A form enhanced by JavaScript gets the action's result as JSON.
		const failed = await request.post('/login', {
			form: { email: `nobody-${Date.now()}@commons.test`, password: 'not the password' },
			headers: { origin: baseURL!, 'x-sveltekit-action': 'true', accept: 'application/json' }
		});
		expect((await failed.json()).type).toBe('failure');
		expectSecure(failed.headers(), 'fallback');

		const signedIn = await postSignIn(request, baseURL!, people.staff, DEMO_PASSWORD);
		expect(signedIn.status()).toBe(303);
		expectSecure(signedIn.headers(), 'fallback');
		const setCookie = signedIn.headersArray().filter((h) => h.name.toLowerCase() === 'set-cookie');
		expect(setCookie).toHaveLength(1);
		const [pair, ...attributes] = setCookie[0]!.value.split(';').map((p) => p.trim());
		expect(pair).toMatch(/^__Host-commons_session=[A-Za-z0-9_-]{20,}$/);
		const names = attributes.map((a) => a.split('=')[0]!.toLowerCase());
		expect(names).toEqual(expect.arrayContaining(['path', 'httponly', 'secure', 'samesite']));
		expect(attributes).toContain('Path=/');
		expect(attributes.map((a) => a.toLowerCase())).toContain('samesite=lax');
		// __Host- forbids a Domain: the cookie stays on this exact host.
		expect(names).not.toContain('domain');

		// Signing out clears it with the same attributes (a browser ignores a mismatched one).
		const cookie = pair!;
		const out = await request.post('/logout', {
			form: {},
			headers: { cookie, origin: baseURL!, accept: 'text/html' },
			maxRedirects: 0
		});
		expect(out.status()).toBe(303);
		const cleared = out.headersArray().find((h) => h.name.toLowerCase() === 'set-cookie')!.value;
		expect(cleared).toMatch(/^__Host-commons_session=;/);
		expect(cleared).toMatch(/HttpOnly/i);
		expect(cleared).toMatch(/Secure/i);
		expect(cleared).toMatch(/Path=\//);
		// And the browser's cache of private answers (files, the department list) goes with it.
		expect(out.headers()['clear-site-data']).toBe('"cache"');
	});

	test('the JSON API, downloads and the 404 pages', async ({ request, baseURL, playwright }) => {
		const cookie = await sessionCookie(request, baseURL!);
		const me = await request.get('/api/v1/me', { headers: { cookie } });
		expect(me.status()).toBe(200);
		expectSecure(me.headers(), 'fallback');
		// A context of its own: this one keeps the session cookie it was given.
		const stranger = await playwright.request.newContext({ baseURL });
		const anonymous = await stranger.get('/api/v1/me');
		expect(anonymous.status()).toBe(401);
		expectSecure(anonymous.headers(), 'fallback');
		await stranger.dispose();
		const unknown = await request.get('/api/v1/no-such-endpoint', { headers: { cookie } });
		expect(unknown.status()).toBe(404);
		expectSecure(unknown.headers(), 'fallback');

		const upload = await request.post('/files', {
			headers: { cookie, origin: baseURL! },
			multipart: {
				file: { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('plain notes\n') }
			}
		});
		expect(upload.status(), await upload.text()).toBe(201);
		expectSecure(upload.headers(), 'fallback');
		const { url } = (await upload.json()).attachments[0];
		const download = await request.get(url, { headers: { cookie } });
		expect(download.status()).toBe(200);
		expect(await download.text()).toBe('plain notes\n');
		expectSecure(download.headers(), 'sandbox');

		const missingPage = await request.get('/no-such-page', { headers: { cookie } });
		expect(missingPage.status()).toBe(404);
		expect(missingPage.headers()['content-type']).toMatch(/^text\/html/);
		expectSecure(missingPage.headers(), 'nonce');
	});

	test('static assets, socket.io and adapter-node’s own errors', async ({ request, baseURL }) => {
		const html = await (await request.get('/login')).text();
		const script = html.match(/\/_app\/immutable\/[^"']+\.js/)![0];
		for (const asset of [script, '/favicon.svg']) {
			const response = await request.get(asset);
			expect(response.status(), asset).toBe(200);
			expectSecure(response.headers(), 'fallback');
		}

		const cookie = await sessionCookie(request, baseURL!);
		const handshake = await realtimeHandshake(request, cookie);
		expect(handshake.status()).toBe(200);
		expect(await handshake.text()).toMatch(/^0\{"sid":/);
		expectSecure(handshake.headers(), 'fallback');
		const badSession = await request.get('/realtime/?EIO=4&transport=polling&sid=nope');
		expect(badSession.status()).toBe(400);
		expectSecure(badSession.headers(), 'fallback');

		// A method the Fetch API refuses never reaches SvelteKit: adapter-node answers 400 itself.
		const trace = await rawRequest(`${baseURL}/login`, { method: 'TRACE' });
		expect(trace.status).toBe(400);
		expectSecure(trace.headers, 'fallback');
	});

	test('sign-in is throttled over HTTP: 429 with Retry-After', async ({ request, baseURL }) => {
		const email = `throttled-${Date.now()}@commons.test`;
		for (let i = 0; i < 5; i++) {
			const attempt = await postSignIn(request, baseURL!, email, 'wrong password');
			expect(attempt.status()).toBe(400);
		}
		const refused = await postSignIn(request, baseURL!, email, 'wrong password');
		expect(refused.status()).toBe(429);
		expect(Number(refused.headers()['retry-after'])).toBeGreaterThanOrEqual(1);
		expect(await refused.text()).toContain('Too many failed sign-in attempts');
		expectSecure(refused.headers(), 'nonce');
	});
});

/** A TCP relay to PostgreSQL that a test can cut, as if the database went away. */
async function startRelay(target: { host: string; port: number }) {
	let open = true;
	const sockets = new Set<net.Socket>();
	const server = net.createServer((client) => {
		if (!open) return client.destroy();
		const upstream = net.connect(target.port, target.host);
		for (const s of [client, upstream]) {
			sockets.add(s);
			s.on('close', () => sockets.delete(s));
			s.on('error', () => s.destroy());
		}
		client.pipe(upstream).pipe(client);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {
		port: (server.address() as net.AddressInfo).port,
		cut() {
			open = false;
			for (const s of sockets) s.destroy();
		},
		close: () => new Promise<void>((resolve) => server.close(() => resolve()))
	};
}

test.describe.serial('a production instance behind an https origin', () => {
	const ORIGIN = 'https://commons.example.org';
	let relay: Awaited<ReturnType<typeof startRelay>>;
	let instance: AppInstance;
	let base: string;

	test.beforeAll(async () => {
		test.setTimeout(120_000);
		// The e2e server's embedded PostgreSQL writes its port into postmaster.pid.
		const pidFile = path.join(process.env.COMMONS_E2E_DATA_DIR!, 'postgres', 'postmaster.pid');
		const pgPort = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[3]);
		relay = await startRelay({ host: '127.0.0.1', port: pgPort });
		// Listening on plain http, as behind a TLS-terminating proxy; the public origin is https.
		instance = await appInstance({
			ORIGIN,
			DATABASE_URL: `postgres://postgres:commons-local@127.0.0.1:${relay.port}/commons`,
			REALTIME_ADAPTER: 'memory',
			LOG_LEVEL: 'error',
			OIDC_ISSUER: '',
			OIDC_CLIENT_ID: '',
			OIDC_CLIENT_SECRET: ''
		});
		await instance.start();
		base = instance.origin;
	});

	test.afterAll(async () => {
		await instance?.dispose();
		await relay?.close();
	});

	test('sends HSTS on every kind of response, and a 503 page with every header when the database is gone', async ({
		playwright
	}) => {
		const request = await playwright.request.newContext({ baseURL: base });
		const login = await request.get('/login');
		expectSecure(login.headers(), 'nonce', true);
		const signedIn = await postSignIn(request, ORIGIN, people.staff, DEMO_PASSWORD);
		expect(signedIn.status()).toBe(303);
		expectSecure(signedIn.headers(), 'fallback', true);
		const cookie = signedIn
			.headersArray()
			.find((h) => h.name.toLowerCase() === 'set-cookie')!
			.value.split(';')[0]!;
		expect(cookie).toMatch(/^__Host-commons_session=/);

		expectSecure((await request.get('/feed', { headers: { cookie } })).headers(), 'nonce', true);
		expectSecure(
			(await request.get('/api/v1/me', { headers: { cookie } })).headers(),
			'fallback',
			true
		);
		expectSecure((await request.get('/favicon.svg')).headers(), 'fallback', true);
		expectSecure((await realtimeHandshake(request, cookie)).headers(), 'fallback', true);
		const missing = await request.get('/no-such-page', { headers: { cookie } });
		expect(missing.status()).toBe(404);
		expectSecure(missing.headers(), 'nonce', true);

		relay.cut();
		// The database gone is an outage: 503 with Retry-After (database-outage.spec.ts), and
		// still every header.
		const failed = await request.get('/feed', { headers: { cookie, accept: 'text/html' } });
		expect(failed.status()).toBe(503);
		expect(failed.headers()['retry-after']).toBe('30');
		expect(failed.headers()['content-type']).toMatch(/^text\/html/);
		expectSecure(failed.headers(), 'fallback', true);
		const failedApi = await request.get('/api/v1/me', {
			headers: { cookie, accept: 'application/json' }
		});
		expect(failedApi.status()).toBe(503);
		expectSecure(failedApi.headers(), 'fallback', true);
		await request.dispose();
	});
});
