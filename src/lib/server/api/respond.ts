/**
 * JSON API responses. Every error has one shape: { "error": { "code", "message", "fields"? } },
 * where `fields` maps an input field to what is wrong with it.
 */
import { json } from '@sveltejs/kit';
import { ValidationError } from '../errors.ts';

export type ApiErrorCode =
	| 'bad_request'
	| 'unauthorized'
	| 'forbidden'
	| 'not_found'
	| 'method_not_allowed'
	| 'conflict'
	| 'too_many_requests'
	| 'busy'
	| 'internal';

export function apiError(
	status: number,
	code: ApiErrorCode,
	message: string,
	fields?: Record<string, string>,
	headers?: Record<string, string>
): Response {
	return json(
		{ error: fields ? { code, message, fields } : { code, message } },
		{ status, headers }
	);
}

const MAX_JSON_BYTES = 256 * 1024;

/**
 * The request's JSON body, or a ValidationError a caller can act on (not JSON, too large, not an
 * object). Schemas then check the fields.
 */
export async function readJsonBody(request: Request): Promise<Record<string, unknown>> {
	const type = request.headers.get('content-type') ?? '';
	if (!type.includes('application/json'))
		throw new ValidationError('Send the body as JSON with Content-Type: application/json.');
	const text = await request.text();
	if (text.length > MAX_JSON_BYTES)
		throw new ValidationError(`The body is larger than ${MAX_JSON_BYTES / 1024} KB.`);
	let body: unknown;
	try {
		body = JSON.parse(text);
	} catch {
		throw new ValidationError('The body is not valid JSON.');
	}
	if (typeof body !== 'object' || body === null || Array.isArray(body))
		throw new ValidationError('The body must be a JSON object.');
	return body as Record<string, unknown>;
}
