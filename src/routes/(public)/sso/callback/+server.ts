import { error, redirect } from '@sveltejs/kit';
import { setSessionCookie } from '$lib/server/auth/cookie';
import { safeReturnPath } from '$lib/server/auth/guard';
import { takeSsoStateCookie } from '$lib/server/auth/oidc';
import { completeSsoSignIn, SsoError } from '$lib/server/auth/sso.service';
import { config } from '$lib/server/config';
import { requestContext } from '$lib/server/context';
import { logger } from '$lib/server/log';

/**
 * The redirect URI: the provider sends the browser back here with a code (or an error). Success
 * signs the person in and goes where they were going; every failure goes back to the sign-in
 * page with a short reason, never an error page.
 */
export async function GET(event) {
	const cfg = config();
	if (!cfg.oidc) error(404, 'Single sign-on is not configured.');
	const browserState = takeSsoStateCookie(event.cookies, cfg.production);

	let location: string;
	try {
		const signIn = await completeSsoSignIn(
			requestContext(event),
			cfg.oidc,
			{ callbackUrl: event.url, browserState },
			cfg.session
		);
		setSessionCookie(event.cookies, signIn.token, signIn.expiresAt, cfg.production);
		location = safeReturnPath(signIn.returnTo);
	} catch (err) {
		const known = err instanceof SsoError;
		if (!known) logger().error({ err }, 'single sign-on: could not complete');
		const query = new URLSearchParams({ sso_error: known ? err.key : 'failed' });
		if (known && err.returnTo) query.set('next', safeReturnPath(err.returnTo));
		location = `/login?${query}`;
	}
	redirect(303, location);
}
