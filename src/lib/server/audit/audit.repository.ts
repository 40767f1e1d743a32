import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';
import { auditHash, GENESIS_HASH, type AuditContent, type ChainedAuditRow } from './chain.ts';

type Executor = Kysely<DB> | Transaction<DB>;

/**
 * Appends one event to the chain. Takes a transaction-scoped lock so that concurrent writers
 * link in commit order; call it last in the transaction to hold the lock briefly.
 */
export async function appendAuditEvent(
	trx: Transaction<DB>,
	content: AuditContent
): Promise<ChainedAuditRow> {
	await sql`select pg_advisory_xact_lock(hashtext('commons.audit_chain'))`.execute(trx);
	const last = await trx
		.selectFrom('auditEvent')
		.select('hash')
		.orderBy('id', 'desc')
		.limit(1)
		.executeTakeFirst();
	const prevHash = last?.hash ?? GENESIS_HASH;
	const hash = auditHash(prevHash, content);
	const row = await trx
		.insertInto('auditEvent')
		.values({ ...content, details: JSON.stringify(content.details), prevHash, hash })
		.returning('id')
		.executeTakeFirstOrThrow();
	return { ...content, id: row.id, prevHash, hash };
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
