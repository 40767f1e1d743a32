import { sql, type Kysely, type RawBuilder, type Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';
import { auditCanonicalJson, chainHash, type AuditContent, type ChainedAuditRow } from './chain.ts';

type Executor = Kysely<DB> | Transaction<DB>;

/**
 * Appends one event to the chain in one statement (`append_audit_event`): it takes the
 * chain's transaction-scoped lock, so that concurrent writers link in commit order, reads the
 * last hash, and inserts the event with its hash. Every audited write of the application waits
 * for that lock until this transaction ends: call it after the transaction's other writes and
 * commit right after it. The canonical JSON is computed here, before the lock; the hash the
 * database computed is checked against the verifier's (`chainHash`), so an event that
 * `npm run audit:verify` would reject is never committed.
 */
export async function appendAuditEvent(
	trx: Transaction<DB>,
	content: AuditContent
): Promise<ChainedAuditRow> {
	const { call, canonical } = appendAuditEventCall(content);
	const { rows } = await sql<ChainLink>`select id, prev_hash, hash from ${call}`.execute(trx);
	return { ...content, ...checkedLink(rows[0]!, canonical) };
}

export type ChainLink = { id: number; prevHash: string; hash: string };

/**
 * The call of `append_audit_event` for `content`, for a statement that appends as one of its
 * steps (it returns the link: id, prev_hash, hash), and the canonical JSON it hashes. The
 * statement must run under READ COMMITTED; the lock it takes is held until its transaction ends.
 */
export function appendAuditEventCall(content: AuditContent): {
	call: RawBuilder<ChainLink>;
	canonical: string;
} {
	const canonical = auditCanonicalJson(content);
	const call = sql<ChainLink>`append_audit_event(
		${content.occurredAt}::timestamptz, ${content.actorId}::bigint, ${content.actorLabel},
		${content.action}, ${content.objectType}, ${content.objectId}, ${content.outcome},
		${content.ip}, ${content.userAgent}, ${JSON.stringify(content.details)}::jsonb, ${canonical}
	)`;
	return { call, canonical };
}

/** Throws unless the database linked the event with the hash the verifier computes. */
export function checkedLink(link: ChainLink, canonical: string): ChainLink {
	if (chainHash(link.prevHash, canonical) !== link.hash)
		throw new Error(
			`The database hashed audit event ${link.id} differently from the verifier (npm run audit:verify).`
		);
	return link;
}

const chainColumns = [
	'id',
	'occurredAt',
	'actorId',
	'actorLabel',
	'action',
	'objectType',
	'objectId',
	'outcome',
	'ip',
	'userAgent',
	'details',
	'prevHash',
	'hash'
] as const;

/** Rows in chain order after `afterId`, for verification and export. */
export async function listAuditChain(
	db: Executor,
	afterId: number,
	limit: number
): Promise<ChainedAuditRow[]> {
	const rows = await db
		.selectFrom('auditEvent')
		.select(chainColumns)
		.where('id', '>', afterId)
		.orderBy('id')
		.limit(limit)
		.execute();
	return rows.map(toChainedRow);
}

export function toChainedRow(row: {
	id: number;
	occurredAt: Date;
	actorId: number | null;
	actorLabel: string;
	action: string;
	objectType: string | null;
	objectId: string | null;
	outcome: string;
	ip: string | null;
	userAgent: string | null;
	details: unknown;
	prevHash: string;
	hash: string;
}): ChainedAuditRow {
	return {
		...row,
		outcome: row.outcome as ChainedAuditRow['outcome'],
		details: (row.details ?? {}) as Record<string, unknown>
	};
}

export type AuditFilter = {
	actorId?: number;
	action?: string;
	objectType?: string;
	objectId?: string;
	outcome?: ChainedAuditRow['outcome'];
	from?: Date;
	to?: Date;
};

/** Newest first, keyset-paginated on id (ids follow commit order of the chain). */
export async function listAuditEvents(
	db: Executor,
	filter: AuditFilter,
	options: { beforeId?: number; limit: number }
): Promise<ChainedAuditRow[]> {
	let query = db
		.selectFrom('auditEvent')
		.select(chainColumns)
		.orderBy('id', 'desc')
		.limit(options.limit);
	if (options.beforeId !== undefined) query = query.where('id', '<', options.beforeId);
	if (filter.actorId !== undefined) query = query.where('actorId', '=', filter.actorId);
	if (filter.action) query = query.where('action', '=', filter.action);
	if (filter.objectType) query = query.where('objectType', '=', filter.objectType);
	if (filter.objectId) query = query.where('objectId', '=', filter.objectId);
	if (filter.outcome) query = query.where('outcome', '=', filter.outcome);
	if (filter.from) query = query.where('occurredAt', '>=', filter.from);
	if (filter.to) query = query.where('occurredAt', '<', filter.to);
	return (await query.execute()).map(toChainedRow);
}

/** The distinct action names recorded so far, for the filter menu. */
export async function listAuditActions(db: Executor): Promise<string[]> {
	const rows = await db
		.selectFrom('auditEvent')
		.select('action')
		.distinct()
		.orderBy('action')
		.execute();
	return rows.map((r) => r.action);
}
