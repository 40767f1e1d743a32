/**
 * What the feed pages and the JSON API show of posts and comments, and the limits and kinds the
 * forms show. No zod here: components import this module, and zod would ship to the browser.
 */

export const POST_MAX_LENGTH = 20_000;
export const COMMENT_MAX_LENGTH = 5_000;
export const MAX_ATTACHMENTS_PER_POST = 10;

export const REACTION_KINDS = ['like', 'celebrate', 'support', 'insightful', 'curious'] as const;
export type ReactionKind = (typeof REACTION_KINDS)[number];

/**
 * The word each reaction is announced and shown by. Its emoji is drawn by CSS
 * (`<span class="glyph" data-glyph={kind} aria-hidden="true">`, src/app.css), so that pages of
 * plain text stay Latin-1.
 */
export const REACTION_LABELS: Record<ReactionKind, { label: string }> = {
	like: { label: 'Like' },
	celebrate: { label: 'Celebrate' },
	support: { label: 'Support' },
	insightful: { label: 'Insightful' },
	curious: { label: 'Curious' }
};

export type PersonRef = { id: number; name: string; title: string };
export type DepartmentRefView = { id: number; name: string; slug: string };

export type AttachmentView = {
	id: number;
	fileName: string;
	contentType: string;
	byteSize: number;
	width: number | null;
	height: number | null;
	isImage: boolean;
	url: string;
};

export type ReactionSummary = { kind: ReactionKind; count: number; mine: boolean };

export type PostView = {
	id: number;
	author: PersonRef;
	/** null: organisation-wide. */
	department: DepartmentRefView | null;
	bodyHtml: string;
	/** The markdown, for the author's edit form only (null for everyone else). */
	bodySource: string | null;
	isAnnouncement: boolean;
	pinned: boolean;
	createdAt: string;
	editedAt: string | null;
	commentCount: number;
	reactions: ReactionSummary[];
	attachments: AttachmentView[];
	can: { edit: boolean; delete: boolean; pin: boolean; viewHistory: boolean };
};

export type CommentView = {
	id: number;
	parentId: number | null;
	author: PersonRef;
	bodyHtml: string;
	createdAt: string;
	editedAt: string | null;
	deleted: boolean;
	can: { delete: boolean };
};

export type FeedPage = {
	/** Pinned posts and current announcements: only on the first page. */
	top: PostView[];
	posts: PostView[];
	nextCursor: string | null;
};
