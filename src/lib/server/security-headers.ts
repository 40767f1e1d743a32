/**
 * The security headers every response carries, whoever writes it: SvelteKit's pages, actions
 * and endpoints (hooks.server.ts), and, in production, everything the Node entry answers
 * without SvelteKit (static assets, socket.io's polling, adapter-node's own errors, and the
 * fallback error page SvelteKit writes when the hook itself throws; see server/index.ts).
 *
 * Pages get SvelteKit's nonce-based CSP (svelte.config.js); a response without one gets
 * FALLBACK_CSP, which allows nothing to run: JSON, files and redirects are never documents that
 * need scripts, and if a browser were tricked into rendering one as HTML it stays inert.
 * Imported by server/index.ts under Node's type stripping: plain TypeScript, `.ts` imports.
 */
import type { Config } from './config.ts';

export const FALLBACK_CSP = [
	"default-src 'none'",
	// SvelteKit's bare error page (error.html) styles itself inline; nothing else is allowed.
	"style-src 'unsafe-inline'",
	"object-src 'none'",
	"base-uri 'none'",
	"form-action 'none'",
	"frame-ancestors 'none'"
].join('; ');

/** Two years, with subdomains: the value the HSTS preload list asks for. */
export const HSTS = 'max-age=63072000; includeSubDomains';

/**
 * HSTS only where it means something and cannot lock anyone out: in production, when the
 * public origin (ORIGIN) is https. Browsers ignore it over plain http anyway (RFC 6797 §8.1),
 * and a developer's http://localhost must never learn it.
 */
export function sendsHsts(cfg: Pick<Config, 'production' | 'origin'>): boolean {
	return cfg.production && cfg.origin?.startsWith('https:') === true;
}

/** Header name (lower case) to value, for a response that does not set its own. */
export function securityHeaders(
	cfg: Pick<Config, 'production' | 'origin'>
): Record<string, string> {
	const headers: Record<string, string> = {
		'content-security-policy': FALLBACK_CSP,
		'x-content-type-options': 'nosniff',
		'referrer-policy': 'strict-origin-when-cross-origin',
		// For browsers that predate CSP's frame-ancestors.
		'x-frame-options': 'DENY',
		'cross-origin-opener-policy': 'same-origin',
		'permissions-policy': 'camera=(), microphone=(), geolocation=()'
	};
	if (sendsHsts(cfg)) headers['strict-transport-security'] = HSTS;
	return headers;
}
