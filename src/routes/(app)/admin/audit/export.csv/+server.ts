import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { stringify } from 'csv-stringify';
import { AUDIT_FILTER_KEYS, exportAuditTrail } from '$lib/server/audit/audit-trail.service';
import type { ChainedAuditRow } from '$lib/server/audit/chain';
import { requestContext } from '$lib/server/context';
import { logger } from '$lib/server/log';
import { throwErrorPage } from '../../page-error.server';

const COLUMNS = [
	'id',
	'occurred_at',
	'actor_id',
	'actor_label',
	'action',
	'object_type',
	'object_id',
	'outcome',
	'ip',
	'user_agent',
	'details',
	'prev_hash',
	'hash'
] as const;

/** One CSV record per event, with the stored values unchanged so the hash chain can be checked. */
async function* records(events: AsyncIterable<ChainedAuditRow>) {
	for await (const e of events) {
		yield {
			id: e.id,
			occurred_at: new Date(e.occurredAt).toISOString(),
			actor_id: e.actorId ?? '',
			actor_label: e.actorLabel,
			action: e.action,
			object_type: e.objectType ?? '',
			object_id: e.objectId ?? '',
			outcome: e.outcome,
			ip: e.ip ?? '',
			user_agent: e.userAgent ?? '',
			details: JSON.stringify(e.details),
			prev_hash: e.prevHash,
			hash: e.hash
		};
	}
}

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
	const csv = stringify({ header: true, columns: [...COLUMNS] });
	pipeline(Readable.from(records(events)), csv).catch((e: unknown) => {
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
