/**
 * Telling "the database cannot be reached" apart from other failures, so an outage answers
 * 503 with a page that says so (and a Retry-After) instead of a generic error, and is logged as
 * what it is. The pool opens connections with a timeout, so such requests fail within seconds
 * instead of hanging while PostgreSQL is away.
 */

/** Node's network errors and PostgreSQL's "connection exception" and "operator intervention". */
const NETWORK_CODES = new Set([
	'ECONNREFUSED',
	'ECONNRESET',
	'ETIMEDOUT',
	'EHOSTUNREACH',
	'ENETUNREACH',
	'ENOTFOUND',
	'EPIPE'
]);
const SQLSTATES = /^(08\d{3}|57P0[1-3])$/;
const MESSAGES = [
	'Connection terminated',
	'timeout exceeded when trying to connect',
	'Client has encountered a connection error',
	'the database system is starting up',
	'the database system is shutting down'
];

export function isDatabaseUnavailable(error: unknown): boolean {
	for (let e = error, depth = 0; e && depth < 5; depth++) {
		const { code, message, cause } = e as { code?: unknown; message?: unknown; cause?: unknown };
		if (typeof code === 'string' && (NETWORK_CODES.has(code) || SQLSTATES.test(code))) return true;
		if (typeof message === 'string' && MESSAGES.some((m) => message.includes(m))) return true;
		// AggregateError (a connection tried on several addresses) keeps the causes in `errors`.
		const nested = (e as { errors?: unknown[] }).errors;
		if (Array.isArray(nested) && nested.some((n) => isDatabaseUnavailable(n))) return true;
		e = cause;
	}
	return false;
}

/** How long people are asked to wait before trying again, in seconds. */
export const RETRY_AFTER_SECONDS = 30;

export const UNAVAILABLE_MESSAGE =
	'Commons cannot reach its database just now. Nothing you saved before is lost; please try again in a minute.';

/** The page (or JSON) for a request that could not even be authenticated during an outage. */
export function unavailableResponse(request: Request, requestId: string): Response {
	const headers = {
		'retry-after': String(RETRY_AFTER_SECONDS),
		'cache-control': 'no-store',
		'x-request-id': requestId
	};
	if ((request.headers.get('accept') ?? '').includes('application/json'))
		return Response.json(
			{ error: { code: 'unavailable', message: UNAVAILABLE_MESSAGE } },
			{ status: 503, headers }
		);
	return new Response(
		`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Temporarily unavailable · Commons</title><style>body{font:1rem/1.5 system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#1b1b1f;background:#fff}@media (prefers-color-scheme:dark){body{color:#e6e6ea;background:#16161a}}</style></head><body><main><h1>Commons is briefly unavailable</h1><p>${UNAVAILABLE_MESSAGE}</p><p>Reference: ${requestId}</p></main></body></html>`,
		{ status: 503, headers: { ...headers, 'content-type': 'text/html; charset=utf-8' } }
	);
}
