import { apiError } from '$lib/server/api/respond';

/** Any /api/v1 path without a route answers in the API's error shape, not with an HTML page. */
export function fallback({ url }) {
	return apiError(
		404,
		'not_found',
		`There is no API endpoint at ${url.pathname}. See /api/v1/openapi.json.`
	);
}
