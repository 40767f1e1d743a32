/**
 * Mapping domain errors to HTTP, once, for form actions and for the JSON API.
 */
import { fail, type ActionFailure, type RequestEvent } from '@sveltejs/kit';
import { apiError, type ApiErrorCode } from './api/respond.ts';
import { DomainError, TooManyRequestsError, ValidationError } from './errors.ts';

export type FormFailure = {
	message: string;
	fields: Record<string, string>;
	/** What the person typed, so the form can show it again. */
	values: Record<string, unknown>;
};

/** Turns a domain error into a form failure that keeps the input; rethrows anything else. */
export function failForm(
	error: unknown,
	values: Record<string, unknown>
): ActionFailure<FormFailure> {
	if (!(error instanceof DomainError)) throw error;
	const { password: _p, newPassword: _n, ...safeValues } = values;
	return fail(error.status, {
		message: error.message,
		fields: error instanceof ValidationError ? error.fields : {},
		values: safeValues
	});
}

/** Turns a domain error into the API's JSON error; rethrows anything else. */
export function apiErrorFrom(error: unknown): Response {
	if (!(error instanceof DomainError)) throw error;
	return apiError(
		error.status,
		error.code as ApiErrorCode,
		error.message,
		error instanceof ValidationError && Object.keys(error.fields).length ? error.fields : undefined,
		error instanceof TooManyRequestsError
			? { 'retry-after': String(error.retryAfterSeconds) }
			: undefined
	);
}

/** Wraps a JSON API handler so domain errors answer in the API's error shape. */
export function apiHandler<E extends RequestEvent>(
	run: (event: E) => Promise<Response>
): (event: E) => Promise<Response> {
	return async (event) => {
		try {
			return await run(event);
		} catch (error) {
			return apiErrorFrom(error);
		}
	};
}

const HERE = 'http://commons.invalid';

/**
 * Where to send someone back to after signing in, or after a form posted from another page: a
 * path on this site only, else `fallback`. Browsers drop tabs and line breaks from a URL and read
 * `\` as `/`, so `/\t/evil.example` is `//evil.example` to them: a value holding either is refused,
 * and what is kept is the path as a browser resolves it, which must stay on this site.
 */
export function safeReturnTo(value: unknown, fallback: string): string {
	if (typeof value !== 'string' || !value.startsWith('/') || value.length >= 2000) return fallback;
	// eslint-disable-next-line no-control-regex -- control characters are what it looks for
	if (/[\u0000-\u001f\u007f\\]/.test(value)) return fallback;
	let url: URL;
	try {
		url = new URL(value, HERE);
	} catch {
		return fallback;
	}
	return url.origin === HERE ? url.pathname + url.search + url.hash : fallback;
}
