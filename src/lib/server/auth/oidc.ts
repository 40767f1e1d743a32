/**
 * The OpenID Connect relying party: openid-client configured from `config().oidc`, and the
 * short-lived cookie that ties a callback to the browser that started the sign-on.
 *
 * The provider's metadata is discovered on first use, not at boot, so Commons starts (and password
 * sign-in works) while the identity provider is down. A successful discovery is kept for the life
 * of the process; a failed one is forgotten so that the next attempt tries again.
 */
import type { Cookies } from '@sveltejs/kit';
import * as client from 'openid-client';
import type { Config } from '../config.ts';

export type OidcSettings = NonNullable<Config['oidc']>;

/** What we ask the provider for: an ID token, and the email and profile claims. */
export const OIDC_SCOPE = 'openid email profile';

const DISCOVERY = Symbol.for('commons.oidc.discovery');
type Holder = { [DISCOVERY]?: Map<string, Promise<client.Configuration>> };

/**
 * Plain-HTTP issuers are refused except on the loopback address, where the tests run an
 * in-process provider.
 */
export function allowsInsecureRequests(issuer: string): boolean {
	const url = new URL(issuer);
	return url.protocol === 'http:' && (url.hostname === 'localhost' || url.hostname === '127.0.0.1');
}

async function discover(settings: OidcSettings): Promise<client.Configuration> {
	const insecure = allowsInsecureRequests(settings.issuer);
	const options: client.DiscoveryRequestOptions = {
		timeout: 10,
		execute: insecure ? [client.allowInsecureRequests] : []
	};
	const discovered = await client.discovery(
		new URL(settings.issuer),
		settings.clientId,
		undefined,
		client.ClientSecretBasic(settings.clientSecret),
		options
	);
	// client_secret_basic is the default when the provider does not say (OIDC Discovery 1.0,
	// section 3); use client_secret_post only for providers that list it and not basic.
	const methods = discovered.serverMetadata().token_endpoint_auth_methods_supported;
	if (
		!methods ||
		methods.includes('client_secret_basic') ||
		!methods.includes('client_secret_post')
	)
		return discovered;
	const configuration = new client.Configuration(
		discovered.serverMetadata(),
		settings.clientId,
		undefined,
		client.ClientSecretPost(settings.clientSecret)
	);
	configuration.timeout = 10;
	if (insecure) client.allowInsecureRequests(configuration);
	return configuration;
}

/** The client configuration for `settings`, discovered once per process. */
export function oidcConfiguration(settings: OidcSettings): Promise<client.Configuration> {
	const holder = globalThis as Holder;
	const cache = (holder[DISCOVERY] ??= new Map());
	const key = JSON.stringify([settings.issuer, settings.clientId, settings.clientSecret]);
	let pending = cache.get(key);
	if (!pending) {
		pending = discover(settings);
		cache.set(key, pending);
		pending.catch(() => {
			if (cache.get(key) === pending) cache.delete(key);
		});
	}
	return pending;
}

/** A new state, nonce and PKCE pair for one trip to the provider. */
export async function newAuthorizationSecrets() {
	const codeVerifier = client.randomPKCECodeVerifier();
	return {
		state: client.randomState(),
		nonce: client.randomNonce(),
		codeVerifier,
		codeChallenge: await client.calculatePKCECodeChallenge(codeVerifier)
	};
}

/** The provider's authorisation URL for an authorisation code request with PKCE (S256). */
export async function buildAuthorizationUrl(
	settings: OidcSettings,
	input: { redirectUri: string; state: string; nonce: string; codeChallenge: string }
): Promise<URL> {
	const configuration = await oidcConfiguration(settings);
	return client.buildAuthorizationUrl(configuration, {
		redirect_uri: input.redirectUri,
		scope: OIDC_SCOPE,
		response_type: 'code',
		state: input.state,
		nonce: input.nonce,
		code_challenge: input.codeChallenge,
		code_challenge_method: 'S256'
	});
}

export type OidcClaims = Record<string, unknown> & { sub: string };

/**
 * Validates the authorisation response at `callbackUrl` (state, issuer), exchanges the code with
 * the PKCE verifier, validates the ID token (signature, audience, nonce) and returns its claims
 * merged with the UserInfo response when the provider has that endpoint: many providers put
 * email and profile claims only there. Throws openid-client's errors unchanged.
 */
export async function exchangeAuthorizationCode(
	settings: OidcSettings,
	callbackUrl: URL,
	checks: { state: string; nonce: string; codeVerifier: string }
): Promise<OidcClaims> {
	const configuration = await oidcConfiguration(settings);
	const tokens = await client.authorizationCodeGrant(configuration, callbackUrl, {
		expectedState: checks.state,
		expectedNonce: checks.nonce,
		pkceCodeVerifier: checks.codeVerifier,
		idTokenExpected: true
	});
	const idToken = tokens.claims();
	if (!idToken) throw new Error('the token response has no ID token');
	let claims: OidcClaims = { ...idToken };
	if (configuration.serverMetadata().userinfo_endpoint) {
		const userInfo = await client.fetchUserInfo(configuration, tokens.access_token, idToken.sub);
		claims = { ...claims, ...userInfo, sub: idToken.sub };
	}
	return claims;
}

/** The cookie holding the state of the sign-on this browser started (login CSRF defence). */
function stateCookieName(production: boolean): string {
	return production ? '__Secure-commons_sso' : 'commons_sso';
}

const STATE_COOKIE_PATH = '/sso/';

export function setSsoStateCookie(
	cookies: Cookies,
	state: string,
	maxAgeSeconds: number,
	production: boolean
): void {
	// Lax: the provider sends the browser back with a top-level GET, which carries Lax cookies.
	cookies.set(stateCookieName(production), state, {
		path: STATE_COOKIE_PATH,
		httpOnly: true,
		sameSite: 'lax',
		secure: production,
		maxAge: maxAgeSeconds
	});
}

/** Reads and clears the state cookie: it serves one callback. */
export function takeSsoStateCookie(cookies: Cookies, production: boolean): string | undefined {
	const name = stateCookieName(production);
	const value = cookies.get(name);
	if (value !== undefined) {
		cookies.delete(name, {
			path: STATE_COOKIE_PATH,
			httpOnly: true,
			sameSite: 'lax',
			secure: production
		});
	}
	return value;
}
