import { randomUUID } from 'node:crypto';
import {
	text,
	type Handle,
	type HandleServerError,
	type RequestEvent,
	type ServerInit
} from '@sveltejs/kit';
import { dev } from '$app/environment';
import { isForbiddenCrossSiteForm } from '$lib/server/auth/csrf';
import { authenticate, isPublicPath, refuseAnonymous } from '$lib/server/auth/guard';
import { enforceApiRateLimit } from '$lib/server/api/rate-limit';
import { apiError } from '$lib/server/api/respond';
import { config } from '$lib/server/config';
import { requestContext } from '$lib/server/context';
import {
	isDatabaseUnavailable,
	RETRY_AFTER_SECONDS,
	UNAVAILABLE_MESSAGE,
	unavailableResponse
} from '$lib/server/db/availability';
import { TooManyRequestsError } from '$lib/server/errors';
import { apiErrorFrom } from '$lib/server/http';
import { logger } from '$lib/server/log';
import { securityHeaders } from '$lib/server/security-headers';
import { startCommons } from '$lib/server/startup';

export const init: ServerInit = async () => {
	await startCommons();
};

/** An outage is one known cause: its message, not a stack trace per request. */
const briefly = (error: unknown) => (error instanceof Error ? error.message : String(error));

export const handle: Handle = async ({ event, resolve }) => {
	// SvelteKit's own cross-site form check, with its one exemption (see csrf.ts); like
	// SvelteKit's, not in development.
	if (!dev && isForbiddenCrossSiteForm(event.request, event.url))
		return withSecurityHeaders(
			text(`Cross-site ${event.request.method} form submissions are forbidden`, { status: 403 })
		);
	// No URL needs a NUL character, and PostgreSQL cannot compare text with one: refuse it here
	// rather than let each route's query fail in the database.
	if (/%00/.test(event.url.pathname + event.url.search))
		return withSecurityHeaders(
			event.url.pathname.startsWith('/api/')
				? apiError(400, 'bad_request', 'The address contains a NUL character (%00).')
				: text('The address contains a NUL character (%00).', { status: 400 })
		);
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
		return withSecurityHeaders(unavailableResponse(event.request, requestId), requestId);
	}
	event.locals.actor = auth?.actor ?? null;
	event.locals.sessionId = auth?.sessionId ?? null;

	let limited: Response | null;
	try {
		limited = event.url.pathname.startsWith('/api/')
			? await apiRateLimitResponse(event, auth?.actor.id ?? null, isPublic)
			: null;
	} catch (error) {
		if (!isDatabaseUnavailable(error)) throw error;
		logger().warn({ reqId: requestId, reason: briefly(error) }, 'database unavailable');
		return withSecurityHeaders(unavailableResponse(event.request, requestId), requestId);
	}
	let response = limited ?? (auth || isPublic ? await resolve(event) : refuseAnonymous(event));
	// A page or endpoint that failed because the database is away: 503 and "try again soon".
	if (event.locals.databaseUnavailable && response.status === 500) {
		response = new Response(response.body, { status: 503, headers: response.headers });
		response.headers.set('retry-after', String(RETRY_AFTER_SECONDS));
	}

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

/**
 * The JSON API's 429 when this person or address has used up its minute (see rate-limit.ts),
 * else null. Counted after authentication so that a person is limited whatever their credential.
 */
async function apiRateLimitResponse(
	event: RequestEvent,
	userId: number | null,
	isPublic: boolean
): Promise<Response | null> {
	try {
		await enforceApiRateLimit({ userId, ip: requestContext(event).ip }, config().apiRateLimit);
		return null;
	} catch (error) {
		if (error instanceof TooManyRequestsError) return apiErrorFrom(error);
		// Like authentication: a public endpoint (the OpenAPI document) answers without a database.
		if (isPublic) return null;
		throw error;
	}
}

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
