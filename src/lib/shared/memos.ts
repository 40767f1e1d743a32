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

/** A memo on its author's or approver's desk (the memos page). */
export type MemoDeskRow = {
	id: number;
	title: string;
	category: string;
	status: MemoStatus;
	dueOn: string | null;
	currentVersion: number;
	publishAt: string | null;
	publishedAt: string | null;
	updatedAt: string;
	/** The approver's comment when a memo was returned. */
	reviewComment: string | null;
	departmentName: string;
	authorName: string;
	recipients: number;
	acknowledged: number;
};

/** A memo the person received and no longer owes. */
export type ReceivedMemoRow = {
	id: number;
	title: string;
	category: string;
	status: MemoStatus;
	publishedAt: string | null;
	acknowledgedAt: string | null;
	acknowledgedVersion: number | null;
};

/** An audience entry with the names a person reads. */
export type AudienceEntryView = {
	/** The form's encoding of the entry (see memo-form schema). */
	token: string;
	label: string;
	exclude: boolean;
};

/** A department the issuer may choose, indented by depth for a native select. */
export type DepartmentOption = { id: number; name: string; label: string };

/** What the memo page shows its author, approver or managers besides the text. */
export type MemoDeskView = {
	status: MemoStatus;
	authorName: string;
	departmentName: string;
	requiresApproval: boolean;
	reviewComment: string | null;
	publishAt: string | null;
	retractionReason: string | null;
	/** The draft's text as it will be published (before the first version exists). */
	draftHtml: string | null;
	audience: AudienceEntryView[];
	/** Who it would reach if published now (drafts, memos awaiting approval, scheduled). */
	preview: { count: number; sample: { id: number; name: string; departmentName: string }[] } | null;
	versions: { number: number; changeKind: string; changeNote: string; createdAt: string }[];
	can: {
		edit: boolean;
		publish: boolean;
		submit: boolean;
		approve: boolean;
		amend: boolean;
		retract: boolean;
	};
};
