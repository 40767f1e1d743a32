/**
 * The one place that decides whether a request needs a signed-in person, and resolves who it
 * is: a session cookie (pages, forms, the browser's API calls) or a personal access token
 * (`Authorization: Bearer`, JSON API only).
 */
import { json, type RequestEvent } from '@sveltejs/kit';
import { config } from '../config.ts';
import { db } from '../db/index.ts';
import { safeReturnTo } from '../http.ts';
import { loadActor, type Actor } from '../org/actor.ts';
import { authenticateAccessToken } from './access-token.service.ts';
import { sessionCookieName } from './cookie.ts';
import { validateSessionTokenWithActor } from './session.ts';

/** Pages and endpoints anyone may open. Everything else needs a signed-in person. */
export const PUBLIC_PATHS: readonly string[] = [
	'/login',
	'/healthz',
	'/readyz',
	'/baseline',
	'/api/v1/openapi.json',
	// signed one-click unsubscribe links from e-mails (RFC 8058): the signature is the credential
	'/unsubscribe'
];
export const PUBLIC_PREFIXES: readonly string[] = ['/sso/'];

export function isPublicPath(pathname: string): boolean {
	return PUBLIC_PATHS.includes(pathname) || PUBLIC_PREFIXES.some((p) => pathname.startsWith(p));
}

export type Authentication = { actor: Actor; sessionId: string | null; via: 'session' | 'token' };

export async function authenticate(event: RequestEvent): Promise<Authentication | null> {
	const cfg = config();
	const authorization = event.request.headers.get('authorization');
	if (authorization && event.url.pathname.startsWith('/api/')) {
		const [scheme, secret] = authorization.split(' ');
		if (scheme?.toLowerCase() !== 'bearer' || !secret) return null;
		const userId = await authenticateAccessToken(secret);
		const actor = userId === null ? null : await loadActor(db(), userId);
		return actor ? { actor, sessionId: null, via: 'token' } : null;
	}
	const token = event.cookies.get(sessionCookieName(cfg.production));
	if (!token) return null;
	const valid = await validateSessionTokenWithActor(db(), token, cfg.session);
	return valid ? { actor: valid.actor, sessionId: valid.session.id, via: 'session' } : null;
}

/** Only same-site paths (`safeReturnTo`): never an absolute URL or a protocol-relative `//host`. */
export function safeReturnPath(value: string | null | undefined, fallback = '/feed'): string {
	return safeReturnTo(value, fallback);
}

/** The answer to an anonymous request for something that needs a person. */
export function refuseAnonymous(event: RequestEvent): Response {
	const { pathname, search } = event.url;
	if (pathname.startsWith('/api/')) {
		return json(
			{
				error: {
					code: 'unauthorized',
					message: 'Sign in, or send a personal access token as "Authorization: Bearer <token>".'
				}
			},
			{ status: 401, headers: { 'www-authenticate': 'Bearer realm="commons"' } }
		);
	}
	const method = event.request.method;
	const next = method === 'GET' || method === 'HEAD' ? `${pathname}${search}` : pathname;
	const location = `/login?next=${encodeURIComponent(next)}`;
	// A form submitted with SvelteKit's `enhance` expects an action result, not an HTTP redirect.
	if (event.request.headers.get('x-sveltekit-action') === 'true') {
		return json({ type: 'redirect', status: 303, location }, { status: 200 });
	}
	return new Response(null, { status: 303, headers: { location } });
}
