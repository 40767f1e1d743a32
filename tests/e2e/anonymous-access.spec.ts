/**
 * Nothing is open to anonymous visitors except an explicit list. This walks SvelteKit's route
 * tree (pages, form actions, endpoints) and the OpenAPI document, requests each one without a
 * session, and expects a redirect to sign-in (pages, form posts) or 401 (API). A route added
 * later is covered without touching this file; making one public means adding it below.
 * The walk itself is in route-tree.ts, shared with the authorisation matrix.
 */
import { expect, test } from './fixtures.ts';
import { openApiProbes, probes, type Probe } from './route-tree.ts';

const PUBLIC = new Set([
	'/login',
	'/healthz',
	'/readyz',
	'/baseline',
	'/api/v1/openapi.json',
	'/sso/start',
	'/sso/callback',
	// One-click unsubscribe from an e-mail: the signature in its URL is the permission
	// (tests/integration/notification-email.test.ts refuses a tampered one).
	'/unsubscribe'
]);

function expectRefused(probe: Probe, status: number, location: string | undefined) {
	const label = `${probe.method} ${probe.path}${probe.action ? ` ?/${probe.action}` : ''}`;
	if (probe.path.startsWith('/api/')) {
		expect(status, `${label} must answer 401`).toBe(401);
	} else {
		expect([303, 401], `${label} must redirect to sign-in or answer 401 (got ${status})`).toContain(
			status
		);
		if (status === 303)
			expect(location, `${label} redirects to sign-in`).toMatch(/^\/login\?next=/);
	}
}

test('every page, form action and endpoint refuses anonymous visitors, except the public list', async ({
	request,
	baseURL
}) => {
	const all = probes();
	// The walk really sees the tree: pages, named and default actions, endpoints, matchers.
	expect(all).toContainEqual(expect.objectContaining({ path: '/feed', method: 'GET' }));
	expect(all).toContainEqual(expect.objectContaining({ path: '/people/1', method: 'GET' }));
	expect(all).toContainEqual(
		expect.objectContaining({ path: '/profile/tokens', method: 'POST', action: 'create' })
	);
	expect(all).toContainEqual(
		expect.objectContaining({ path: '/logout', method: 'POST', action: 'default' })
	);
	expect(all).toContainEqual(expect.objectContaining({ path: '/api/v1/me', method: 'GET' }));
	const publicSeen = new Set<string>();
	for (const probe of all) {
		if (PUBLIC.has(probe.path)) {
			publicSeen.add(probe.path);
			continue;
		}
		const url = probe.action
			? `${probe.path}?/${probe.action === 'default' ? '' : probe.action}`.replace(/\?\/$/, '')
			: probe.path;
		const response = await request.fetch(url, {
			method: probe.method,
			maxRedirects: 0,
			headers: { origin: baseURL!, accept: 'text/html' },
			...(probe.method === 'GET' ? {} : { form: { anything: 'x' } })
		});
		expectRefused(probe, response.status(), response.headers()['location']);
	}
	// The public list names only routes that exist.
	for (const open of PUBLIC)
		expect(
			publicSeen.has(open) || open.startsWith('/sso/'),
			`${open} is public but has no route`
		).toBe(true);
});

test('every operation in the OpenAPI document refuses anonymous callers unless documented as open', async ({
	request
}) => {
	const document = await (await request.get('/api/v1/openapi.json')).json();
	const operations = openApiProbes(document);
	expect(operations.length).toBeGreaterThan(1);
	for (const operation of operations) {
		const response = await request.fetch(operation.path, {
			method: operation.method,
			maxRedirects: 0,
			data: operation.method === 'GET' ? undefined : {}
		});
		if (operation.open) {
			expect(
				PUBLIC.has(operation.path),
				`${operation.path} is documented as open but not in the public list`
			).toBe(true);
			expect(response.status()).toBeLessThan(400);
		} else {
			expect(response.status(), `${operation.method} ${operation.path}`).toBe(401);
			expect(await response.json()).toMatchObject({ error: { code: 'unauthorized' } });
		}
	}
});

test('a bearer token that is not valid is refused like no token', async ({ request }) => {
	for (const authorization of [
		'Bearer cmn_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
		'Bearer ',
		'Basic dXNlcjpwYXNz',
		'Bearer ' + 'x'.repeat(5000)
	]) {
		const response = await request.get('/api/v1/me', { headers: { authorization } });
		expect(response.status(), authorization.slice(0, 30)).toBe(401);
	}
});
