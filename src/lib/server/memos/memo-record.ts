/**
 * Writing the append-only memo record: each version, acknowledgement and exception is inserted
 * together with an audit entry, in the caller's transaction, whose details carry the row's hash.
 * The hash chain then covers the row: altering it afterwards is found by `npm run audit:verify`.
 * Each function writes its audit entry last, which holds every other audited write of the
 * application until the transaction commits: call them at the end of the transaction.
 */
import type { Transaction } from 'kysely';
import { appendAuditEventCall, checkedLink } from '../audit/audit.repository.ts';
import { auditContent, recordAudit, type AuditEntry } from '../audit/audit.service.ts';
import type { RequestContext } from '../context.ts';
import type { Database } from '../db/index.ts';
import type { DB } from '../db/schema.ts';
import { logger } from '../log.ts';
import { renderMarkdown } from '../markdown/render.ts';
import {
	acknowledgementRowHash,
	exceptionRowHash,
	memoContentHash,
	versionRowHash
} from './memo-hash.ts';
import {
	acknowledgeInOneStatement,
	insertAcknowledgement,
	insertException,
	type AcknowledgementRow,
	type ExceptionRow
} from './memo-recipient.repository.ts';
import { insertVersion, type MemoVersionRow } from './memo.repository.ts';

/** Appends version `number` of a memo, rendered by the shared renderer, and audits it. */
export async function appendVersion(
	trx: Transaction<DB>,
	ctx: RequestContext,
	input: {
		memoId: number;
		number: number;
		title: string;
		bodySource: string;
		changeKind: 'initial' | 'material' | 'editorial';
		changeNote: string;
		createdBy: number;
		now: Date;
	}
): Promise<MemoVersionRow> {
	const version = await insertVersion(trx, {
		memoId: input.memoId,
		number: input.number,
		title: input.title,
		bodySource: input.bodySource,
		bodyHtml: renderMarkdown(input.bodySource).html,
		contentHash: memoContentHash(input),
		changeKind: input.changeKind,
		changeNote: input.changeNote,
		createdBy: input.createdBy,
		createdAt: input.now
	});
	await recordAudit(trx, ctx, {
		action: 'memo.version',
		objectType: 'memo_version',
		objectId: version.id,
		occurredAt: input.now,
		details: {
			memoId: version.memoId,
			number: version.number,
			changeKind: version.changeKind,
			contentHash: version.contentHash,
			rowHash: versionRowHash(version)
		}
	});
	return version;
}

/** The audit entry that records an acknowledgement, sealing every column with its row hash. */
function acknowledgementAudit(row: AcknowledgementRow): AuditEntry {
	return {
		action: row.onBehalfBy ? 'memo.acknowledge_on_behalf' : 'memo.acknowledge',
		objectType: 'memo_acknowledgement',
		objectId: row.id,
		occurredAt: row.acknowledgedAt,
		details: {
			memoId: row.memoId,
			userId: row.userId,
			versionNumber: row.versionNumber,
			contentHash: row.contentHash,
			rowHash: acknowledgementRowHash(row)
		}
	};
}

/**
 * Appends an acknowledgement and makes it the recipient's current one, unless the person
 * already acknowledged this version (a double click, a retry): then returns undefined, and
 * writes and audits nothing. The audit entry is written last.
 */
export async function appendAcknowledgement(
	trx: Transaction<DB>,
	ctx: RequestContext,
	ack: Omit<AcknowledgementRow, 'id'>
): Promise<AcknowledgementRow | undefined> {
	const row = await insertAcknowledgement(trx, ack);
	if (!row) return undefined;
	await recordAudit(trx, ctx, acknowledgementAudit(row));
	return row;
}

/**
 * A person's own acknowledgement as one statement that commits by itself (see
 * `acknowledgeInOneStatement`): the chain's lock is held only while the database runs and
 * commits it, never while this process is between two statements of a transaction. `ack.id`
 * comes from the table's sequence beforehand, so the row hash in the audit entry is known
 * before the row exists. `locked` is false when the memo is no longer published at that
 * version (nothing was written); `acknowledgement` is undefined when one already existed.
 */
export async function acknowledgeAtomically(
	database: Database,
	ctx: RequestContext,
	ack: AcknowledgementRow
): Promise<{ locked: boolean; acknowledgement?: AcknowledgementRow }> {
	const { call, canonical } = appendAuditEventCall(auditContent(ctx, acknowledgementAudit(ack)));
	const result = await acknowledgeInOneStatement(database, ack, call);
	if (result.link) {
		try {
			checkedLink(result.link, canonical);
		} catch (error) {
			// Committed already: say so loudly; `npm run audit:verify` names the event.
			logger().error({ err: error, acknowledgementId: ack.id }, 'audit chain hash mismatch');
		}
	}
	return result;
}

export async function appendException(
	trx: Transaction<DB>,
	ctx: RequestContext,
	exception: Omit<ExceptionRow, 'id'>
): Promise<ExceptionRow> {
	const row = await insertException(trx, exception);
	await recordAudit(trx, ctx, {
		action: `memo.exception.${row.kind}`,
		objectType: 'memo_exception',
		objectId: row.id,
		occurredAt: row.createdAt,
		details: {
			memoId: row.memoId,
			userId: row.userId,
			newDueOn: row.newDueOn,
			reason: row.reason,
			rowHash: exceptionRowHash(row)
		}
	});
	return row;
}
