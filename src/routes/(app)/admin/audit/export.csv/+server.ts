import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { Readable } from 'node:stream';
import { auditTrailCsv } from '$lib/server/audit/audit-csv';
import { AUDIT_FILTER_KEYS, exportAuditTrail } from '$lib/server/audit/audit-trail.service';
import type { ChainedAuditRow } from '$lib/server/audit/chain';
import { requestContext } from '$lib/server/context';
import { logger } from '$lib/server/log';
import { throwErrorPage } from '../../page-error.server';

/** The filtered trail as CSV, newest first, streamed in batches. Administrators only. */
export async function GET(event) {
	const params = event.url.searchParams;
	const values = Object.fromEntries(AUDIT_FILTER_KEYS.map((k) => [k, params.get(k) ?? '']));
	let events: AsyncIterable<ChainedAuditRow>;
	try {
		events = await exportAuditTrail(requestContext(event), values);
	} catch (e) {
		throwErrorPage(e);
	}
	const csv = auditTrailCsv(events, (e: unknown) => {
		// The response has started: the client sees a cut-off download rather than an error page.
		logger().error({ reqId: event.locals.requestId, err: e }, 'audit export failed');
	});
	const stamp = new Date().toISOString().replace(/[:.]/g, '-');
	return new Response(Readable.toWeb(csv) as WebReadableStream as unknown as ReadableStream, {
		headers: {
			'content-type': 'text/csv; charset=utf-8',
			'content-disposition': `attachment; filename="commons-audit-trail-${stamp}.csv"`,
			'cache-control': 'no-store'
		}
	});
}
