/**
 * Checking a memo evidence pack offline, after its audit excerpt's hash chain verified: every
 * version, acknowledgement and exception in the pack must hash to the `rowHash` its audit entry
 * recorded (so an altered row is found), every such audit entry must have its row in the pack
 * (so a removed row is found), and each acknowledgement must name its version's content hash.
 *
 * Plain Node (type stripping) loads this file: erasable TypeScript only.
 */
import {
	isRedacted,
	type ChainedAuditRow,
	type ChainVerdict,
	type RedactedAuditRow
} from '../audit/chain.ts';
import {
	acknowledgementRowHash,
	exceptionRowHash,
	memoContentHash,
	versionRowHash,
	type AcknowledgementRecord,
	type ExceptionRecord,
	type VersionRecord
} from './memo-hash.ts';

export const EVIDENCE_FORMAT = 'commons.memo-evidence/1';

type Pack = {
	memo?: unknown;
	versions?: unknown;
	acknowledgements?: unknown;
	exceptions?: unknown;
};

const RECORD_TYPES = ['memo_version', 'memo_acknowledgement', 'memo_exception'] as const;

function broken(id: number, reason: string, checked: number): ChainVerdict {
	return { ok: false, checked, brokenId: id, reason };
}

export function verifyMemoEvidence(
	pack: Pack,
	rows: (ChainedAuditRow | RedactedAuditRow)[],
	chain: ChainVerdict
): ChainVerdict {
	if (!chain.ok) return chain;
	const memo = pack.memo as { id?: unknown } | null;
	const memoId = memo?.id;
	if (typeof memoId !== 'number') return broken(0, 'the pack has no memo id', chain.checked);
	const arrays = [pack.versions, pack.acknowledgements, pack.exceptions];
	if (!arrays.every(Array.isArray))
		return broken(0, 'the pack must list versions, acknowledgements and exceptions', chain.checked);
	const versions = pack.versions as VersionRecord[];
	const acks = pack.acknowledgements as AcknowledgementRecord[];
	const exceptions = pack.exceptions as ExceptionRecord[];

	const entries = new Map<string, ChainedAuditRow>();
	for (const row of rows) {
		if (isRedacted(row) || !row.objectType || !row.objectId) continue;
		if (
			(RECORD_TYPES as readonly string[]).includes(row.objectType) &&
			row.details.memoId === memoId
		)
			entries.set(`${row.objectType}:${row.objectId}`, row);
	}
	const seen = new Set<string>();
	const check = (type: string, id: number, rowHash: string, label: string): ChainVerdict | null => {
		const key = `${type}:${id}`;
		seen.add(key);
		const entry = entries.get(key);
		if (!entry) return broken(0, `${label} has no audit entry in the pack`, chain.checked);
		if (entry.details.rowHash !== rowHash)
			return broken(
				entry.id,
				`${label} does not match the hash its audit entry recorded (the row was altered)`,
				chain.checked
			);
		return null;
	};

	const contentOf = new Map<number, string>();
	for (const v of versions) {
		if (memoContentHash(v) !== v.contentHash)
			return broken(0, `version ${v.number}'s text does not match its content hash`, chain.checked);
		contentOf.set(v.number, v.contentHash);
		const fault = check(
			'memo_version',
			v.id,
			versionRowHash(v),
			`version ${v.number} (row ${v.id})`
		);
		if (fault) return fault;
	}
	for (const a of acks) {
		if (contentOf.get(a.versionNumber) !== a.contentHash)
			return broken(
				0,
				`acknowledgement ${a.id} names a content hash that is not its version's`,
				chain.checked
			);
		const fault = check(
			'memo_acknowledgement',
			a.id,
			acknowledgementRowHash(a),
			`acknowledgement ${a.id}`
		);
		if (fault) return fault;
	}
	for (const e of exceptions) {
		const fault = check('memo_exception', e.id, exceptionRowHash(e), `exception ${e.id}`);
		if (fault) return fault;
	}
	for (const [key, entry] of entries)
		if (!seen.has(key))
			return broken(
				entry.id,
				`the ${key.replace(':', ' ')} it records is missing from the pack (a row was removed)`,
				chain.checked
			);
	return chain;
}
