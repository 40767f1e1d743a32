/**
 * Writing to the audit trail. `recordAudit` joins the caller's transaction so the entry commits
 * (or not) with the change it records; `recordStandalone` is for events with no other write, such
 * as an authorisation refusal.
 */
import type { Transaction } from 'kysely';
import type { RequestContext } from '../context.ts';
import { db } from '../db/index.ts';
import type { DB } from '../db/schema.ts';
import { actorLabel } from '../org/actor.ts';
import { appendAuditEvent } from './audit.repository.ts';
import type { AuditContent, ChainedAuditRow } from './chain.ts';

export type AuditEntry = {
	action: string;
	outcome?: AuditContent['outcome'];
	objectType?: string;
	objectId?: string | number;
	details?: Record<string, unknown>;
	/** Who acted when there is no signed-in actor (e.g. a failed sign-in names the email tried). */
	actorLabel?: string;
	occurredAt?: Date;
};

/** The event that records `entry` on behalf of `ctx`: what the chain hashes. */
export function auditContent(ctx: RequestContext, entry: AuditEntry): AuditContent {
	return {
		occurredAt: entry.occurredAt ?? new Date(),
		actorId: ctx.actor?.id ?? null,
		actorLabel: ctx.actor ? actorLabel(ctx.actor) : (entry.actorLabel ?? 'anonymous'),
		action: entry.action,
		objectType: entry.objectType ?? null,
		objectId: entry.objectId === undefined ? null : String(entry.objectId),
		outcome: entry.outcome ?? 'success',
		ip: ctx.ip,
		userAgent: ctx.userAgent?.slice(0, 512) ?? null,
		details: entry.details ?? {}
	};
}

/**
 * Appends an entry inside the caller's transaction. Call it after the transaction's other
 * writes, and commit right after: from here until the commit, every other audited write of the
 * application waits (the chain links events in commit order).
 */
export function recordAudit(
	trx: Transaction<DB>,
	ctx: RequestContext,
	entry: AuditEntry
): Promise<ChainedAuditRow> {
	return appendAuditEvent(trx, auditContent(ctx, entry));
}

/** Appends an entry in a transaction of its own. */
export function recordStandalone(ctx: RequestContext, entry: AuditEntry): Promise<ChainedAuditRow> {
	return db()
		.transaction()
		.execute((trx) => appendAuditEvent(trx, auditContent(ctx, entry)));
}

/** Records that `ctx.actor` was refused `action` on an object. */
export function recordDenied(
	ctx: RequestContext,
	action: string,
	objectType: string,
	objectId: string | number,
	details: Record<string, unknown> = {}
) {
	return recordStandalone(ctx, { action, outcome: 'denied', objectType, objectId, details });
}
