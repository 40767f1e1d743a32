/**
 * The audit trail as CSV: one record per event, newest first, streamed as the events are read.
 * The values are the stored ones (so the hash chain can be checked from the file), except that a
 * cell a spreadsheet would run as a formula starts with one apostrophe (`spreadsheetSafe`, which
 * says how to undo it): names, e-mail addresses and User-Agents are written by other people.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import { spreadsheetSafe } from '../csv.ts';
import type { ChainedAuditRow } from './chain.ts';

const AUDIT_CSV_COLUMNS = [
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

type AuditCsvRecord = Record<(typeof AUDIT_CSV_COLUMNS)[number], string>;

function toRecord(e: ChainedAuditRow): AuditCsvRecord {
	const text = (value: string | number | null) =>
		spreadsheetSafe(value === null ? '' : String(value));
	return {
		id: String(e.id),
		occurred_at: new Date(e.occurredAt).toISOString(),
		actor_id: text(e.actorId),
		actor_label: text(e.actorLabel),
		action: text(e.action),
		object_type: text(e.objectType),
		object_id: text(e.objectId),
		outcome: text(e.outcome),
		ip: text(e.ip),
		user_agent: text(e.userAgent),
		details: text(JSON.stringify(e.details)),
		prev_hash: e.prevHash,
		hash: e.hash
	};
}

async function* records(events: AsyncIterable<ChainedAuditRow>) {
	for await (const e of events) yield toRecord(e);
}

/**
 * The CSV text of `events`, with a header, as a stream. `onError` hears a failure after the
 * stream has started (the reader then sees a cut-off file: there is no status left to change).
 */
export function auditTrailCsv(
	events: AsyncIterable<ChainedAuditRow>,
	onError: (error: unknown) => void
): Readable {
	const csv = stringify({ header: true, columns: [...AUDIT_CSV_COLUMNS] });
	pipeline(Readable.from(records(events)), csv).catch(onError);
	return csv;
}
