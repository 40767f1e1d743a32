import { json } from '@sveltejs/kit';
import { openApiDocument } from '$lib/server/api/openapi';

export function GET() {
	return json(openApiDocument, { headers: { 'cache-control': 'public, max-age=300' } });
}
