import type { Cookies } from '@sveltejs/kit';

/** `__Host-` in production: the browser then insists on Secure, Path=/ and no Domain. */
export function sessionCookieName(production: boolean): string {
	return production ? '__Host-commons_session' : 'commons_session';
}

export function setSessionCookie(
	cookies: Cookies,
	token: string,
	expires: Date,
	production: boolean
): void {
	cookies.set(sessionCookieName(production), token, {
		path: '/',
		httpOnly: true,
		sameSite: 'lax',
		secure: production,
		expires
	});
}

export function clearSessionCookie(cookies: Cookies, production: boolean): void {
	cookies.delete(sessionCookieName(production), {
		path: '/',
		httpOnly: true,
		sameSite: 'lax',
		secure: production
	});
}

/** Reads one cookie from a raw Cookie header (sockets have no SvelteKit `cookies`). */
export function readCookie(header: string | undefined, name: string): string | undefined {
	if (!header) return undefined;
	for (const part of header.split(';')) {
		const index = part.indexOf('=');
		if (index > 0 && part.slice(0, index).trim() === name) {
			try {
				return decodeURIComponent(part.slice(index + 1).trim());
			} catch {
				return undefined;
			}
		}
	}
	return undefined;
}
