/**
 * Reading the memo record for evidence: the audit events that concern a memo (the excerpt an
 * evidence pack carries), and, for `npm run audit:verify`, every version, acknowledgement and
 * exception beside the row hash its audit entry recorded.
 *
 * Plain Node (type stripping) loads this file: erasable TypeScript only.
 */
import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { listAuditChain } from '../audit/audit.repository.ts';
import type { ChainedAuditRow, ChainVerdict, RedactedAuditRow } from '../audit/chain.ts';
import { acknowledgementRowHash, exceptionRowHash, versionRowHash } from './memo-hash.ts';

type Db = Kysely<DB>;

/**
 * The stretch of the audit trail from the first to the last event about this memo and its
 * records; events about anything else are kept as links only (redacted), so the excerpt proves
 * its chain without disclosing them.
 */
export async function listMemoAuditExcerpt(
	db: Db,
	memoId: number,
	records: { versions: number[]; acknowledgements: number[]; exceptions: number[] }
): Promise<{ events: (ChainedAuditRow | RedactedAuditRow)[]; startPrevHash: string | null }> {
	const text = (ids: number[]) => ids.map(String);
	const { rows } = await sql<{ id: number }>`
		select id from audit_event
		where (object_type = 'memo' and object_id = ${String(memoId)})
			or (object_type = 'memo_version' and object_id = any(${text(records.versions)}::text[]))
			or (object_type = 'memo_acknowledgement' and object_id = any(${text(records.acknowledgements)}::text[]))
			or (object_type = 'memo_exception' and object_id = any(${text(records.exceptions)}::text[]))
		order by id
	`.execute(db);
	if (!rows.length) return { events: [], startPrevHash: null };
	const related = new Set(rows.map((r) => Number(r.id)));
	const first = Number(rows[0]!.id);
	const last = Number(rows.at(-1)!.id);
	const chain = await listAuditChain(db, first - 1, last - first + 1);
	const events = chain.map((row) =>
		related.has(row.id)
			? row
			: { id: row.id, prevHash: row.prevHash, hash: row.hash, redacted: true as const }
	);
	return { events, startPrevHash: chain[0]?.prevHash ?? null };
}

type Checked = {
	table: string;
	id: number;
	auditId: number | null;
	recorded: unknown;
	actual: string;
};

async function recordsOf(
	db: Db,
	table: 'memo_version' | 'memo_acknowledgement' | 'memo_exception'
) {
	const { rows } = await sql<
		Record<string, unknown> & { id: number; auditId: number | null; recorded: unknown }
	>`
		select t.*, a.id as audit_id, a.details -> 'rowHash' as recorded
		from ${sql.table(table)} t
			left join audit_event a on a.object_type = ${table} and a.object_id = t.id::text
		order by t.id
	`.execute(db);
	return rows;
}

/**
 * Checks every memo record against its audit entry. Returns `chain` when all match, else a
 * verdict naming the audit event (or row) that does not.
 */
export async function verifyMemoRecordsInDatabase(
	db: Db,
	chain: ChainVerdict
): Promise<ChainVerdict> {
	if (!chain.ok) return chain;
	const checks: Checked[] = [];
	for (const row of await recordsOf(db, 'memo_version'))
		checks.push({
			table: 'memo version',
			id: row.id,
			auditId: row.auditId,
			recorded: row.recorded,
			actual: versionRowHash(row as never)
		});
	for (const row of await recordsOf(db, 'memo_acknowledgement'))
		checks.push({
			table: 'memo acknowledgement',
			id: row.id,
			auditId: row.auditId,
			recorded: row.recorded,
			actual: acknowledgementRowHash(row as never)
		});
	for (const row of await recordsOf(db, 'memo_exception'))
		checks.push({
			table: 'memo exception',
			id: row.id,
			auditId: row.auditId,
			recorded: row.recorded,
			actual: exceptionRowHash(row as never)
		});
	for (const c of checks) {
		if (c.auditId === null)
			return {
				ok: false,
				checked: chain.checked,
				brokenId: 0,
				reason: `${c.table} ${c.id} has no audit entry (it was inserted outside the app)`
			};
		if (c.recorded !== c.actual)
			return {
				ok: false,
				checked: chain.checked,
				brokenId: Number(c.auditId),
				reason: `${c.table} ${c.id} does not match the hash this event recorded (the row was altered)`
			};
	}
	return chain;
}
