import { error, redirect } from '@sveltejs/kit';
import { safeReturnPath } from '$lib/server/auth/guard';
import { setSsoStateCookie } from '$lib/server/auth/oidc';
import { beginSsoSignIn, SSO_LOGIN_MAX_AGE_MS } from '$lib/server/auth/sso.service';
import { config } from '$lib/server/config';
import { logger } from '$lib/server/log';

/** Sends the browser to the identity provider (the sign-in page's single sign-on button). */
export async function GET({ url, cookies, locals }) {
	const cfg = config();
	if (!cfg.oidc) error(404, 'Single sign-on is not configured.');
	const returnTo = safeReturnPath(url.searchParams.get('next'));
	if (locals.actor) redirect(303, returnTo);

	let location: string;
	try {
		const { authorizationUrl, state } = await beginSsoSignIn(cfg.oidc, {
			returnTo,
			redirectUri: new URL('/sso/callback', url.origin).href
		});
		setSsoStateCookie(cookies, state, SSO_LOGIN_MAX_AGE_MS / 1000, cfg.production);
		location = authorizationUrl.href;
	} catch (err) {
		logger().error({ err, issuer: cfg.oidc.issuer }, 'single sign-on: could not start');
		location = `/login?sso_error=failed&next=${encodeURIComponent(returnTo)}`;
	}
	redirect(303, location);
}
