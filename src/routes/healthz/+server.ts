import { json } from '@sveltejs/kit';

/** Liveness: the process is up and serving. */
export function GET() {
	return json(
		{ status: 'ok', uptimeSeconds: Math.round(process.uptime()) },
		{ headers: { 'cache-control': 'no-store' } }
	);
}
