/**
 * Content and row hashes of the memo record, as pure functions so that `npm run audit:verify`
 * can check an evidence pack offline. A version's content hash is what a person acknowledges;
 * a row hash covers every column of an append-only row and is written into the audit entry that
 * recorded it, in the same transaction, so an altered row no longer matches the hash chain.
 *
 * Plain Node (type stripping) loads this file: erasable TypeScript only.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../audit/chain.ts';

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const iso = (value: Date | string) => new Date(value).toISOString();

/** SHA-256 of a version's exact content: canonical JSON of its title and markdown source. */
export function memoContentHash(content: { title: string; bodySource: string }): string {
	return sha256(canonicalJson({ title: content.title, bodySource: content.bodySource }));
}

export type VersionRecord = {
	id: number;
	memoId: number;
	number: number;
	title: string;
	bodySource: string;
	contentHash: string;
	changeKind: string;
	changeNote: string;
	createdBy: number;
	createdAt: Date | string;
};

export function versionRowHash(row: VersionRecord): string {
	return sha256(
		canonicalJson({
			table: 'memo_version',
			id: row.id,
			memoId: row.memoId,
			number: row.number,
			title: row.title,
			bodySource: row.bodySource,
			contentHash: row.contentHash,
			changeKind: row.changeKind,
			changeNote: row.changeNote,
			createdBy: row.createdBy,
			createdAt: iso(row.createdAt)
		})
	);
}

export type AcknowledgementRecord = {
	id: number;
	memoId: number;
	userId: number;
	versionNumber: number;
	contentHash: string;
	acknowledgedAt: Date | string;
	ip: string | null;
	userAgent: string | null;
	attested: boolean;
	onBehalfBy: number | null;
	onBehalfReason: string | null;
};

export function acknowledgementRowHash(row: AcknowledgementRecord): string {
	return sha256(
		canonicalJson({
			table: 'memo_acknowledgement',
			id: row.id,
			memoId: row.memoId,
			userId: row.userId,
			versionNumber: row.versionNumber,
			contentHash: row.contentHash,
			acknowledgedAt: iso(row.acknowledgedAt),
			ip: row.ip,
			userAgent: row.userAgent,
			attested: row.attested,
			onBehalfBy: row.onBehalfBy,
			onBehalfReason: row.onBehalfReason
		})
	);
}

export type ExceptionRecord = {
	id: number;
	memoId: number;
	userId: number;
	kind: string;
	previousDueOn: string | null;
	newDueOn: string | null;
	reason: string;
	createdBy: number;
	createdAt: Date | string;
};

export function exceptionRowHash(row: ExceptionRecord): string {
	return sha256(
		canonicalJson({
			table: 'memo_exception',
			id: row.id,
			memoId: row.memoId,
			userId: row.userId,
			kind: row.kind,
			previousDueOn: row.previousDueOn,
			newDueOn: row.newDueOn,
			reason: row.reason,
			createdBy: row.createdBy,
			createdAt: iso(row.createdAt)
		})
	);
}

/** The audit object type of each kind of record, and the hash function that seals it. */
export const MEMO_RECORD_AUDIT = {
	memo_version: 'memo_version',
	memo_acknowledgement: 'memo_acknowledgement',
	memo_exception: 'memo_exception'
} as const;
