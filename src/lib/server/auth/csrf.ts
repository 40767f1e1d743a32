/**
 * The cross-site form check, done in the hook instead of by SvelteKit (svelte.config.js trusts
 * every origin so that this check is the only one): the same rule as SvelteKit's own, a form
 * POST/PUT/PATCH/DELETE whose Origin is not ours is refused, except on the paths below.
 *
 * Why: RFC 8058 one-click unsubscribe is a POST that mail providers send from their own servers
 * with no Origin header; SvelteKit would refuse it. Its protection is the signature in its URL,
 * it needs no session, and it can only turn e-mails down, so it is safe to exempt.
 */
export const CSRF_EXEMPT_PATHS: readonly string[] = ['/unsubscribe'];

const FORM_TYPES = [
	'application/x-www-form-urlencoded',
	'multipart/form-data',
	'text/plain',
	// SvelteKit's binary form encoding (remote form functions)
	'application/x-sveltekit-formdata'
];
const UNSAFE_METHODS = ['POST', 'PUT', 'PATCH', 'DELETE'];

export function isForbiddenCrossSiteForm(request: Request, url: URL): boolean {
	if (!UNSAFE_METHODS.includes(request.method)) return false;
	const type = (request.headers.get('content-type') ?? '').split(';', 1)[0]!.trim().toLowerCase();
	if (!FORM_TYPES.includes(type)) return false;
	if (request.headers.get('origin') === url.origin) return false;
	return !CSRF_EXEMPT_PATHS.includes(url.pathname);
}
