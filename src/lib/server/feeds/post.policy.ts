/**
 * Who may do what with posts. Visibility is decided by the department: a post in a members-only
 * department (or anywhere under one) exists only for that department's members. Callers pass the
 * viewer's hidden department ids (org/department.repository listHiddenDepartmentIds) so the same
 * rule runs here and inside the feed queries.
 */
import type { Actor } from '../org/actor.ts';
import { managesDepartment } from '../org/department.policy.ts';

export type PostFacts = {
	authorId: number;
	departmentId: number | null;
	deletedAt: Date | null;
};

export function canSeePost(hiddenDepartmentIds: readonly number[], post: PostFacts): boolean {
	return post.departmentId === null || !hiddenDepartmentIds.includes(post.departmentId);
}

/**
 * Members post in their own department; managers also in the departments they manage (and their
 * sub-departments); administrators anywhere. The organisation-wide feed needs the
 * communications or administrator role.
 */
export function canPostTo(actor: Actor, departmentId: number | null): boolean {
	if (departmentId === null) return actor.isCommunications || actor.isAdmin;
	return (
		actor.isAdmin || actor.departmentId === departmentId || managesDepartment(actor, departmentId)
	);
}

/** Announcements are an organisation-wide style, for the same people who may post there. */
export function canAnnounce(actor: Actor): boolean {
	return actor.isCommunications || actor.isAdmin;
}

/** Only the author edits their words. */
export function canEditPost(actor: Actor, post: PostFacts): boolean {
	return post.deletedAt === null && post.authorId === actor.id;
}

function moderates(actor: Actor, post: PostFacts): boolean {
	if (actor.isAdmin) return true;
	if (post.departmentId === null) return actor.isCommunications;
	return managesDepartment(actor, post.departmentId);
}

/** The author, the department's managers, and administrators (communications for org-wide). */
export function canDeletePost(actor: Actor, post: PostFacts): boolean {
	return post.deletedAt === null && (post.authorId === actor.id || moderates(actor, post));
}

/** Earlier versions: the author, the department's managers and administrators. */
export function canViewPostHistory(actor: Actor, post: PostFacts): boolean {
	return post.authorId === actor.id || moderates(actor, post);
}

/** Pinning to the top of a department feed belongs to its managers (and administrators). */
export function canPinPost(actor: Actor, post: PostFacts): boolean {
	return (
		post.deletedAt === null &&
		post.departmentId !== null &&
		(actor.isAdmin || managesDepartment(actor, post.departmentId))
	);
}

export type CommentFacts = { authorId: number; deletedAt: Date | null };

/** A comment's author, or whoever may moderate the post. */
export function canDeleteComment(actor: Actor, post: PostFacts, comment: CommentFacts): boolean {
	return comment.deletedAt === null && (comment.authorId === actor.id || moderates(actor, post));
}
