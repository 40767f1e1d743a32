/**
 * JSON API responses. Every error has one shape: { "error": { "code", "message", "fields"? } },
 * where `fields` maps an input field to what is wrong with it.
 */
import { json } from '@sveltejs/kit';

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
