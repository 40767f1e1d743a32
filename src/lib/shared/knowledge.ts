/**
 * Knowledge pages as the browser and the API see them.
 */

import type { AttachmentView } from './feeds.ts';

export const PAGE_TITLE_MAX = 200;
export const PAGE_BODY_MAX = 100_000;
export const PAGE_SUMMARY_MAX = 300;
/** The organisation-wide space's name in URLs; no department may take it (see org schemas). */
export const ORGANISATION_SPACE = 'organisation';

/** One heading of a page, for its table of contents. */
export type TocEntryView = { level: number; id: string; text: string };

export type SpaceRef = {
	/** "organisation" or the department's slug */
	slug: string;
	name: string;
	departmentId: number | null;
};

export type PageRef = { id: number; title: string; href: string };

export type PersonRef = { id: number; name: string };

export type PageView = {
	id: number;
	space: SpaceRef;
	title: string;
	slug: string;
	path: string;
	href: string;
	parentId: number | null;
	bodySource: string;
	bodyHtml: string;
	toc: TocEntryView[];
	revision: number;
	owner: PersonRef;
	updatedBy: PersonRef;
	updatedAt: string;
	createdAt: string;
	reviewBy: string | null;
	verifiedUntil: string | null;
	verifiedBy: PersonRef | null;
	/** Review date passed: readers see a notice. */
	overdue: boolean;
	verified: boolean;
	editRestricted: boolean;
	breadcrumbs: PageRef[];
	children: PageRef[];
	backlinks: PageRef[];
	/** Files uploaded in the editor and linked from the text. */
	attachments: AttachmentView[];
	can: { edit: boolean; govern: boolean; move: boolean; delete: boolean };
};

export type PageTreeNode = PageRef & { children: PageTreeNode[] };

export type RevisionView = {
	number: number;
	title: string;
	summary: string;
	author: PersonRef;
	createdAt: string;
	restoredFrom: number | null;
};

export type DiffPart = { kind: 'same' | 'added' | 'removed'; text: string };

export type PageDiffView = {
	from: RevisionView;
	to: RevisionView;
	titleChanged: boolean;
	parts: DiffPart[];
	added: number;
	removed: number;
};
