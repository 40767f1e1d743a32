/**
 * Single sign-on against a real OpenID Connect provider (oidc-provider, in this process): the
 * browser's part of the trip is played with fetch, following redirects and posting the
 * provider's sign-in form.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { allowsInsecureRequests, oidcConfiguration } from '../../src/lib/server/auth/oidc.ts';
import {
	beginSsoSignIn,
	completeSsoSignIn,
	SsoError,
	type SsoErrorKey
} from '../../src/lib/server/auth/sso.service.ts';
import { config, parseConfig } from '../../src/lib/server/config.ts';
import { load as loadLoginPage } from '../../src/routes/(public)/login/+page.server.ts';
import { newDepartment, newUser } from '../factories.ts';
import { startOidcProvider, type TestAccount } from '../oidc-provider.ts';
import { TEST_TIMEOUTS } from './sessions.ts';
import { createTestDatabase } from './database.ts';

const { db } = await createTestDatabase();

// The oldest department without a parent is the organisation's root.
const root = await newDepartment(db, { name: 'Whole Organisation', parentId: null });
const finance = await newDepartment(db, { name: 'Finance Team', parentId: root.id });
const transport = await newDepartment(db, { slug: 'transport-x', parentId: root.id });
const retired = await newUser(db, { email: 'retired@sso.test', status: 'deactivated' });

const REDIRECT_URI = 'http://127.0.0.1:9/sso/callback';
const accounts: TestAccount[] = [
	{ email: 'Ada.Slug@SSO.test', name: 'Ada Slug', department: 'TRANSPORT-X', emailVerified: true },
	{ email: 'bo.name@sso.test', name: 'Bo Name', department: 'finance team', emailVerified: true },
	{ email: 'cy.unknown@sso.test', name: 'Cy Unknown', department: 'Nowhere' },
	{ email: 'di.none@sso.test', name: 'Di None', emailVerified: true },
	{ email: retired.email, name: 'Retired Person', emailVerified: true },
	{ email: 'eve.unverified@sso.test', name: 'Eve', emailVerified: false }
];
const provider = await startOidcProvider({
	clients: [
		{ clientId: 'commons-test', clientSecret: 'test-secret', redirectUris: [REDIRECT_URI] }
	],
	accounts
});
afterAll(() => provider.close());

const settings = {
	issuer: provider.issuer,
	clientId: 'commons-test',
	clientSecret: 'test-secret',
	departmentClaim: 'department',
	buttonLabel: 'Sign in with SSO'
};
const ctx = { actor: null, ip: '127.0.0.1', userAgent: 'vitest' };

/**
 * Plays the browser from the authorisation URL to the redirect back to Commons: follows
 * redirects, keeps the provider's cookies and submits `email` on its sign-in page (or cancels).
 */
async function throughProvider(start: URL, email: string | 'cancel'): Promise<URL> {
	const jar = new Map<string, string>();
	let url = start;
	let body: URLSearchParams | undefined;
	for (let step = 0; step < 12; step++) {
		const response = await fetch(url, {
			method: body ? 'POST' : 'GET',
			body,
			headers: { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') },
			redirect: 'manual'
		});
		for (const cookie of response.headers.getSetCookie()) {
			const pair = cookie.split(';')[0]!;
			const [name, value] = [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)];
			if (value) jar.set(name, value);
			else jar.delete(name);
		}
		body = undefined;
		const location = response.headers.get('location');
		if (location) {
			url = new URL(location, url);
			if (url.href.startsWith(REDIRECT_URI)) return url;
			continue;
		}
		const html = await response.text();
		if (response.status !== 200 || !url.pathname.startsWith('/interaction/')) {
			throw new Error(`unexpected ${response.status} at ${url.pathname}: ${html.slice(0, 300)}`);
		}
		if (email === 'cancel') url = new URL(`${url.pathname}/abort`, url);
		else body = new URLSearchParams({ email });
	}
	throw new Error('too many redirects');
}

async function signInAs(email: string | 'cancel', returnTo = '/feed') {
	const { authorizationUrl, state } = await beginSsoSignIn(settings, {
		returnTo,
		redirectUri: REDIRECT_URI
	});
	const callbackUrl = await throughProvider(authorizationUrl, email);
	return { state, callbackUrl };
}

function complete(callbackUrl: URL, browserState: string | undefined, now?: Date) {
	return completeSsoSignIn(ctx, settings, { callbackUrl, browserState }, TEST_TIMEOUTS, now);
}

async function refusal(promise: Promise<unknown>): Promise<{ key: SsoErrorKey; reason: string }> {
	const error = await promise.then(
		() => undefined,
		(e: unknown) => e
	);
	expect(error).toBeInstanceOf(SsoError);
	const { key, reason } = error as SsoError;
	return { key, reason };
}

async function lastSignInFailure() {
	return db
		.selectFrom('auditEvent')
		.where('action', '=', 'auth.sign_in')
		.where('outcome', '=', 'failure')
		.orderBy('id', 'desc')
		.select(['actorLabel', 'objectId', 'details'])
		.executeTakeFirstOrThrow();
}

function userByEmail(email: string) {
	return db
		.selectFrom('users')
		.where('email', '=', email)
		.select(['id', 'name', 'departmentId', 'status', 'passwordHash'])
		.execute();
}

describe('single sign-on', () => {
	it('provisions a new person on the first sign-in, with the department whose slug matches', async () => {
		const { state, callbackUrl } = await signInAs('ada.slug@sso.test', '/kb/handbook?x=1');
		expect(callbackUrl.searchParams.get('state')).toBe(state);

		const result = await complete(callbackUrl, state);
		expect(result.provisioned).toBe(true);
		expect(result.returnTo).toBe('/kb/handbook?x=1');

		const [person, ...others] = await userByEmail('ada.slug@sso.test');
		expect(others).toEqual([]);
		expect(person).toMatchObject({
			id: result.userId,
			name: 'Ada Slug',
			departmentId: transport.id,
			status: 'active',
			passwordHash: null
		});

		const session = await db
			.selectFrom('session')
			.where('userId', '=', result.userId)
			.select(['authMethod', 'ip', 'userAgent'])
			.executeTakeFirstOrThrow();
		expect(session).toEqual({ authMethod: 'oidc', ip: '127.0.0.1', userAgent: 'vitest' });

		const audit = await db
			.selectFrom('auditEvent')
			.where('objectType', '=', 'user')
			.where('objectId', '=', String(result.userId))
			.orderBy('id')
			.select(['action', 'outcome', 'actorId', 'details'])
			.execute();
		expect(audit).toEqual([
			{
				action: 'person.provision',
				outcome: 'success',
				actorId: result.userId,
				details: {
					method: 'oidc',
					email: 'ada.slug@sso.test',
					departmentId: transport.id,
					departmentClaim: 'TRANSPORT-X',
					departmentMatchedBy: 'slug',
					subject: 'ada.slug@sso.test'
				}
			},
			{
				action: 'auth.sign_in',
				outcome: 'success',
				actorId: result.userId,
				details: { method: 'oidc' }
			}
		]);
	});

	it('signs the same person in again without provisioning a second one', async () => {
		const first = await userByEmail('ada.slug@sso.test');
		const { state, callbackUrl } = await signInAs('ada.slug@sso.test');
		const result = await complete(callbackUrl, state);
		expect(result.provisioned).toBe(false);
		expect(result.userId).toBe(first[0]!.id);
		expect(await userByEmail('ada.slug@sso.test')).toHaveLength(1);
		const provisions = await db
			.selectFrom('auditEvent')
			.where('action', '=', 'person.provision')
			.where('objectId', '=', String(result.userId))
			.select('id')
			.execute();
		expect(provisions).toHaveLength(1);
	});

	it('falls back to the department name, then to the root department', async () => {
		for (const [email, departmentId] of [
			['bo.name@sso.test', finance.id],
			['cy.unknown@sso.test', root.id],
			['di.none@sso.test', root.id]
		] as const) {
			const { state, callbackUrl } = await signInAs(email);
			await complete(callbackUrl, state);
			expect((await userByEmail(email))[0]?.departmentId, email).toBe(departmentId);
		}
	});

	it('refuses a deactivated person and records why', async () => {
		const { state, callbackUrl } = await signInAs(retired.email);
		expect(await refusal(complete(callbackUrl, state))).toEqual({
			key: 'deactivated',
			reason: 'deactivated'
		});
		expect(await lastSignInFailure()).toEqual({
			actorLabel: retired.email,
			objectId: String(retired.id),
			details: { method: 'oidc', reason: 'deactivated' }
		});
		expect(await db.selectFrom('session').where('userId', '=', retired.id).execute()).toEqual([]);
	});

	it('refuses an email address the provider says is not verified', async () => {
		const { state, callbackUrl } = await signInAs('eve.unverified@sso.test');
		expect(await refusal(complete(callbackUrl, state))).toEqual({
			key: 'email',
			reason: 'email_unverified'
		});
		expect(await userByEmail('eve.unverified@sso.test')).toEqual([]);
	});

	it('uses a pending sign-on once: a replayed callback fails', async () => {
		const { state, callbackUrl } = await signInAs('ada.slug@sso.test');
		await complete(callbackUrl, state);
		expect(await refusal(complete(callbackUrl, state))).toEqual({
			key: 'failed',
			reason: 'unknown_state'
		});
		expect(await refusal(complete(new URL(REDIRECT_URI), undefined))).toEqual({
			key: 'failed',
			reason: 'missing_state'
		});
	});

	it('refuses a callback in a browser that did not start the sign-on', async () => {
		const { state, callbackUrl } = await signInAs('ada.slug@sso.test');
		expect(await refusal(complete(callbackUrl, undefined))).toEqual({
			key: 'failed',
			reason: 'state_mismatch'
		});
		// The attempt is spent either way.
		expect(await refusal(complete(callbackUrl, state))).toMatchObject({ reason: 'unknown_state' });
	});

	it('refuses a sign-on older than ten minutes', async () => {
		const { state, callbackUrl } = await signInAs('ada.slug@sso.test');
		const later = new Date(Date.now() + 10 * 60_000 + 5_000);
		expect(await refusal(complete(callbackUrl, state, later))).toEqual({
			key: 'expired',
			reason: 'expired'
		});
	});

	it('refuses an ID token whose nonce is not the one sent', async () => {
		const { state, callbackUrl } = await signInAs('ada.slug@sso.test');
		await db
			.updateTable('oidcLogin')
			.set({ nonce: 'not-the-nonce' })
			.where('state', '=', state)
			.execute();
		expect(await refusal(complete(callbackUrl, state))).toEqual({
			key: 'failed',
			reason: 'code_exchange'
		});
		expect((await lastSignInFailure()).details).toMatchObject({
			method: 'oidc',
			reason: 'code_exchange',
			message: expect.stringContaining('nonce')
		});
	});

	it('tells the person when they cancelled at the provider', async () => {
		const { state, callbackUrl } = await signInAs('cancel');
		expect(callbackUrl.searchParams.get('error')).toBe('access_denied');
		expect(await refusal(complete(callbackUrl, state))).toEqual({
			key: 'cancelled',
			reason: 'provider_error'
		});
	});

	it('asks the provider for S256 PKCE, a state and a nonce, and discovers it once', async () => {
		const { authorizationUrl, state } = await beginSsoSignIn(settings, {
			returnTo: '/feed',
			redirectUri: REDIRECT_URI
		});
		const params = authorizationUrl.searchParams;
		expect(authorizationUrl.origin).toBe(provider.issuer);
		expect(params.get('code_challenge_method')).toBe('S256');
		expect(params.get('code_challenge')).toMatch(/^[\w-]{43}$/);
		expect(params.get('state')).toBe(state);
		expect(params.get('nonce')).toMatch(/^[\w-]{20,}$/);
		expect(params.get('scope')).toBe('openid email profile');
		const row = await db
			.selectFrom('oidcLogin')
			.where('state', '=', state)
			.selectAll()
			.executeTakeFirstOrThrow();
		expect(row.nonce).toBe(params.get('nonce'));
		expect(row.codeVerifier).not.toBe(params.get('code_challenge'));
		expect(oidcConfiguration(settings)).toBe(oidcConfiguration(settings));
	});
});

describe('single sign-on configuration', () => {
	it('allows plain HTTP only for a provider on the loopback address', () => {
		expect(allowsInsecureRequests('http://127.0.0.1:4174')).toBe(true);
		expect(allowsInsecureRequests('http://localhost:8080/realms/x')).toBe(true);
		expect(allowsInsecureRequests('http://idp.example.org')).toBe(false);
		expect(allowsInsecureRequests('https://localhost')).toBe(false);
	});

	it('is on only when issuer, client id and secret are all set', () => {
		expect(parseConfig({}).oidc).toBeUndefined();
		expect(
			parseConfig({
				OIDC_ISSUER: 'https://idp.example.org',
				OIDC_CLIENT_ID: 'commons',
				OIDC_CLIENT_SECRET: 's3cret'
			}).oidc
		).toMatchObject({ issuer: 'https://idp.example.org', departmentClaim: 'department' });
	});

	it('leaves the single sign-on button off the sign-in page when not configured', async () => {
		expect(config().oidc).toBeUndefined();
		const data = (await loadLoginPage({
			locals: { actor: null },
			url: new URL('http://commons.test/login?next=/kb')
		} as unknown as Parameters<typeof loadLoginPage>[0])) as { sso: unknown; next: string };
		expect(data.sso).toBeNull();
		expect(data.next).toBe('/kb');
	});
});
