/**
 * Signing in to a running app the way a browser does (the sign-in form), for scenarios that
 * measure pages behind the sign-in.
 */
import type { RunningApp } from './app.ts';

/** Returns the `Cookie` header value of a new session for `email`. */
export async function signInCookie(app: RunningApp, email: string): Promise<string> {
	const response = await fetch(`${app.url}/login`, {
		method: 'POST',
		redirect: 'manual',
		headers: {
			'content-type': 'application/x-www-form-urlencoded',
			origin: app.url,
			accept: 'text/html'
		},
		body: new URLSearchParams({ email, password: app.demoPassword })
	});
	const cookie = response.headers.get('set-cookie');
	if (response.status !== 303 || !cookie) {
		throw new Error(`Signing in as ${email} failed: HTTP ${response.status}`);
	}
	return cookie.split(';')[0]!;
}
