import { randomUUID } from 'node:crypto';
import { text, type Handle, type HandleServerError, type ServerInit } from '@sveltejs/kit';
import { dev } from '$app/environment';
import { isForbiddenCrossSiteForm } from '$lib/server/auth/csrf';
import { authenticate, isPublicPath, refuseAnonymous } from '$lib/server/auth/guard';
import { config } from '$lib/server/config';
import {
	isDatabaseUnavailable,
	RETRY_AFTER_SECONDS,
	UNAVAILABLE_MESSAGE,
	unavailableResponse
} from '$lib/server/db/availability';
import { logger } from '$lib/server/log';
import { startCommons } from '$lib/server/startup';

export const init: ServerInit = async () => {
	await startCommons();
};

const SECURITY_HEADERS: Record<string, string> = {
	'x-content-type-options': 'nosniff',
	'referrer-policy': 'strict-origin-when-cross-origin',
	'x-frame-options': 'DENY',
	'permissions-policy': 'camera=(), microphone=(), geolocation=()'
};

/** An outage is one known cause: its message, not a stack trace per request. */
const briefly = (error: unknown) => (error instanceof Error ? error.message : String(error));

export const handle: Handle = async ({ event, resolve }) => {
	// SvelteKit's own cross-site form check, with its one exemption (see csrf.ts); like
	// SvelteKit's, not in development.
	if (!dev && isForbiddenCrossSiteForm(event.request, event.url))
		return text(`Cross-site ${event.request.method} form submissions are forbidden`, {
			status: 403
		});
	const started = performance.now();
	const requestId = randomUUID();
	event.locals.requestId = requestId;

	const isPublic = isPublicPath(event.url.pathname);
	let auth: Awaited<ReturnType<typeof authenticate>>;
	try {
		// Health checks and the sign-in page must answer even when the database does not.
		auth = isPublic ? await authenticate(event).catch(() => null) : await authenticate(event);
	} catch (error) {
		if (!isDatabaseUnavailable(error)) throw error;
		logger().warn({ reqId: requestId, reason: briefly(error) }, 'database unavailable');
		return unavailableResponse(event.request, requestId);
	}
	event.locals.actor = auth?.actor ?? null;
	event.locals.sessionId = auth?.sessionId ?? null;

	let response = auth || isPublic ? await resolve(event) : refuseAnonymous(event);
	// A page or endpoint that failed because the database is away: 503 and "try again soon".
	if (event.locals.databaseUnavailable && response.status === 500) {
		response = new Response(response.body, { status: 503, headers: response.headers });
		response.headers.set('retry-after', String(RETRY_AFTER_SECONDS));
	}

	try {
		response.headers.set('x-request-id', requestId);
		for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
			if (!response.headers.has(name)) response.headers.set(name, value);
		}
		if (config().production) {
			response.headers.set('strict-transport-security', 'max-age=63072000; includeSubDomains');
		}
	} catch {
		// Some responses (e.g. Response.redirect) have immutable headers; they carry no content.
	}

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

export const handleError: HandleServerError = ({ error, event, status }) => {
	const id = event.locals.requestId;
	if (status === 404) return { message: 'We could not find that page.', id };
	if (isDatabaseUnavailable(error)) {
		event.locals.databaseUnavailable = true;
		logger().warn(
			{ reqId: id, path: event.url.pathname, reason: briefly(error) },
			'database unavailable'
		);
		return { message: UNAVAILABLE_MESSAGE, id };
	}
	logger().error({ reqId: id, path: event.url.pathname, err: error }, 'unhandled error');
	return { message: 'Something went wrong on our side. It has been logged.', id };
};
