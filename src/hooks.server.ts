import { randomUUID } from 'node:crypto';
import { text, type Handle, type HandleServerError, type ServerInit } from '@sveltejs/kit';
import { dev } from '$app/environment';
import { isForbiddenCrossSiteForm } from '$lib/server/auth/csrf';
import { authenticate, isPublicPath, refuseAnonymous } from '$lib/server/auth/guard';
import { config } from '$lib/server/config';
import { logger } from '$lib/server/log';
import { securityHeaders } from '$lib/server/security-headers';
import { startCommons } from '$lib/server/startup';

export const init: ServerInit = async () => {
	await startCommons();
};

export const handle: Handle = async ({ event, resolve }) => {
	// SvelteKit's own cross-site form check, with its one exemption (see csrf.ts); like
	// SvelteKit's, not in development.
	if (!dev && isForbiddenCrossSiteForm(event.request, event.url))
		return withSecurityHeaders(
			text(`Cross-site ${event.request.method} form submissions are forbidden`, { status: 403 })
		);
	const started = performance.now();
	const requestId = randomUUID();
	event.locals.requestId = requestId;

	const isPublic = isPublicPath(event.url.pathname);
	// Health checks and the sign-in page must answer even when the database does not.
	const auth = isPublic ? await authenticate(event).catch(() => null) : await authenticate(event);
	event.locals.actor = auth?.actor ?? null;
	event.locals.sessionId = auth?.sessionId ?? null;

	const response = auth || isPublic ? await resolve(event) : refuseAnonymous(event);

	withSecurityHeaders(response, requestId);

	logger().info(
		{
			reqId: requestId,
			userId: auth?.actor.id,
			method: event.request.method,
			path: event.url.pathname,
			status: response.status,
			durationMs: Math.round((performance.now() - started) * 10) / 10
		},
		'request'
	);
	return response;
};

/** Adds the security headers a response does not set itself (and the request id). */
function withSecurityHeaders(response: Response, requestId?: string): Response {
	try {
		if (requestId) response.headers.set('x-request-id', requestId);
		// Pages keep SvelteKit's nonce CSP and files their sandbox; the rest get the fallback.
		for (const [name, value] of Object.entries(securityHeaders(config()))) {
			if (!response.headers.has(name)) response.headers.set(name, value);
		}
	} catch {
		// Some responses (e.g. Response.redirect) have immutable headers; they carry no content.
	}
	return response;
}

export const handleError: HandleServerError = ({ error, event, status }) => {
	const id = event.locals.requestId;
	if (status === 404) return { message: 'We could not find that page.', id };
	logger().error({ reqId: id, path: event.url.pathname, err: error }, 'unhandled error');
	return { message: 'Something went wrong on our side. It has been logged.', id };
};
