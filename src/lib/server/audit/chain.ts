/**
 * The audit trail's hash chain, as pure functions so that `npm run audit:verify` and exported
 * evidence packs can check a trail without the app. Each row stores the hash of the row before
 * it (`prevHash`) and its own hash: SHA-256 over the previous hash and the row's canonical JSON.
 * Changing, removing or reordering any row breaks every hash after it.
 */
import { createHash } from 'node:crypto';

export const GENESIS_HASH = '0'.repeat(64);

export type AuditContent = {
	occurredAt: Date;
	actorId: number | null;
	actorLabel: string;
	action: string;
	objectType: string | null;
	objectId: string | null;
	outcome: 'success' | 'failure' | 'denied';
	ip: string | null;
	userAgent: string | null;
	details: Record<string, unknown>;
};

export type ChainedAuditRow = AuditContent & { id: number; prevHash: string; hash: string };

/**
 * An event kept in an exported excerpt only as its link (an evidence pack leaves out the
 * content of unrelated events): its hash is trusted, its place in the chain is still checked.
 */
export type RedactedAuditRow = { id: number; prevHash: string; hash: string; redacted: true };

export function isRedacted(row: ChainedAuditRow | RedactedAuditRow): row is RedactedAuditRow {
	return (row as RedactedAuditRow).redacted === true;
}

/** JSON with object keys sorted at every level, so equal content always serialises equally. */
export function canonicalJson(value: unknown): string {
	if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
	if (value instanceof Date) return JSON.stringify(value.toISOString());
	if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
	const entries = Object.entries(value as Record<string, unknown>)
		.filter(([, v]) => v !== undefined)
		.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
	return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** The text of an event that its hash covers: canonical JSON of every content field. */
export function auditCanonicalJson(content: AuditContent): string {
	return canonicalJson({
		occurredAt: new Date(content.occurredAt).toISOString(),
		actorId: content.actorId,
		actorLabel: content.actorLabel,
		action: content.action,
		objectType: content.objectType,
		objectId: content.objectId,
		outcome: content.outcome,
		ip: content.ip,
		userAgent: content.userAgent,
		details: content.details
	});
}

/**
 * A link of the chain: SHA-256 (hex) of the previous hash, a newline and the event's canonical
 * JSON, as UTF-8. The database computes the same when it appends (`append_audit_event`).
 */
export function chainHash(prevHash: string, canonical: string): string {
	return createHash('sha256').update(`${prevHash}\n${canonical}`).digest('hex');
}

export function auditHash(prevHash: string, content: AuditContent): string {
	return chainHash(prevHash, auditCanonicalJson(content));
}

export type ChainVerdict =
	| { ok: true; checked: number; lastHash: string }
	| { ok: false; checked: number; brokenId: number; reason: string };

/**
 * Walks rows in id order and names the first one whose links or hash do not hold.
 * Verification can resume across batches by passing the previous batch's `lastHash`.
 */
export function verifyChain(
	rows: Iterable<ChainedAuditRow | RedactedAuditRow>,
	expectedPrevHash: string = GENESIS_HASH,
	alreadyChecked = 0
): ChainVerdict {
	let prev = expectedPrevHash;
	let checked = alreadyChecked;
	for (const row of rows) {
		if (row.prevHash !== prev) {
			return {
				ok: false,
				checked,
				brokenId: row.id,
				reason:
					'its previous-hash link does not match the row before it (a row was removed, inserted or reordered)'
			};
		}
		if (!isRedacted(row) && auditHash(row.prevHash, row) !== row.hash) {
			return {
				ok: false,
				checked,
				brokenId: row.id,
				reason: 'its content does not match its hash (the row was altered)'
			};
		}
		prev = row.hash;
		checked++;
	}
	return { ok: true, checked, lastHash: prev };
}
