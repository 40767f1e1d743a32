import { json } from '@sveltejs/kit';
import { checkReadiness } from '$lib/server/health';

/** Readiness: the database is reachable and migrated. 503 otherwise, so a proxy stops routing here. */
export async function GET() {
	const readiness = await checkReadiness();
	return json(
		{ status: readiness.ready ? 'ready' : 'not ready', ...readiness },
		{ status: readiness.ready ? 200 : 503, headers: { 'cache-control': 'no-store' } }
	);
}
