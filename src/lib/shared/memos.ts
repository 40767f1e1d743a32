/**
 * Memo DTOs shared by the server, the JSON API and the browser.
 */
import type { DiffPart } from './knowledge.ts';

export type MemoStatus =
	'draft' | 'awaiting_approval' | 'scheduled' | 'published' | 'superseded' | 'retracted';

export type MemoCounts = {
	total: number;
	acknowledged: number;
	/** Opened at least once and not (yet) acknowledged. */
	viewed: number;
	/** Not acknowledged (including viewed and overdue). */
	pending: number;
	overdue: number;
	onBehalf: number;
	extended: number;
};

export type MemoRollupRow = {
	departmentId: number;
	name: string;
	parentId: number | null;
	/** This department and all its sub-departments. */
	counts: Pick<MemoCounts, 'total' | 'acknowledged' | 'viewed' | 'pending' | 'overdue'>;
};

export type MemoReportPerson = {
	userId: number;
	name: string;
	email: string;
	departmentId: number;
	departmentName: string;
	state: 'pending' | 'acknowledged';
	overdue: boolean;
	dueOn: string;
	deliveredAt: string;
	firstViewedAt: string | null;
	acknowledgedAt: string | null;
	acknowledgedVersion: number | null;
	onBehalfBy: string | null;
	onBehalfReason: string | null;
	extended: boolean;
	joinedLater: boolean;
};

export type MemoVersionView = {
	number: number;
	title: string;
	bodyHtml: string;
	contentHash: string;
	changeKind: 'initial' | 'material' | 'editorial';
	changeNote: string;
	createdAt: string;
};

export type MemoRecipientView = {
	state: 'pending' | 'acknowledged';
	dueOn: string;
	overdue: boolean;
	deliveredAt: string;
	firstViewedAt: string | null;
	acknowledgedAt: string | null;
	acknowledgedVersion: number | null;
};

export type MemoView = {
	id: number;
	title: string;
	category: string;
	reference: string | null;
	status: MemoStatus;
	issuingDepartmentId: number;
	createdBy: number;
	dueOn: string | null;
	currentVersion: number;
	publishedAt: string | null;
	attestation: string | null;
	/** The question without its answer. */
	question: { prompt: string; options: string[] } | null;
	version: MemoVersionView | null;
	/** What changed since the version the caller last acknowledged, when that was earlier. */
	changes: { fromVersion: number; parts: DiffPart[]; added: number; removed: number } | null;
	recipient: MemoRecipientView | null;
	supersededBy: number | null;
	/** The caller may open the acknowledgement report (issuer, its managers, administrators). */
	canViewReport: boolean;
};

export type PendingMemo = {
	id: number;
	title: string;
	category: string;
	version: number;
	dueOn: string;
	overdue: boolean;
	firstViewedAt: string | null;
};

/** Sent to `memo:<id>:report` after an acknowledgement (or exception) commits. */
export type MemoReportEvent = { memoId: number; counts: MemoCounts };
