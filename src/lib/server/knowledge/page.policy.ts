/**
 * Who may do what with knowledge pages. A page lives in a space: a department's (visible as the
 * department is: members-only departments' pages exist only for their members) or the
 * organisation's (visible to everyone).
 */
import type { Actor } from '../org/actor.ts';
import { managesDepartment } from '../org/department.policy.ts';

export type PageFacts = {
	departmentId: number | null;
	ownerId: number;
	editRestricted: boolean;
	deletedAt: Date | null;
};

export function canSeeSpace(actor: Actor, departmentId: number | null): boolean {
	return departmentId === null || !actor.hiddenDepartmentIds.includes(departmentId);
}

export function canSeePage(actor: Actor, page: Pick<PageFacts, 'departmentId'>): boolean {
	return canSeeSpace(actor, page.departmentId);
}

/**
 * Writing in a space: members of the department (people in it or below it) and its managers;
 * the organisation-wide space belongs to communications, as organisation-wide posts do.
 * Administrators write anywhere.
 */
export function canWriteInSpace(actor: Actor, departmentId: number | null): boolean {
	if (actor.isAdmin) return true;
	if (departmentId === null) return actor.isCommunications;
	return actor.departmentPath.includes(departmentId) || managesDepartment(actor, departmentId);
}

/**
 * Managers of the space (communications for the organisation's), its owner, administrators: who
 * moves and deletes a page, verifies it and sets its owner and editors.
 */
export function canGovernPage(actor: Actor, page: PageFacts): boolean {
	if (page.deletedAt) return false;
	if (actor.isAdmin || page.ownerId === actor.id) return true;
	if (page.departmentId === null) return actor.isCommunications;
	return managesDepartment(actor, page.departmentId);
}

/**
 * Editing: whoever may write in the space, unless the page names its editors; then only they,
 * its owner and administrators (`namedEditor`: whether the actor is one of the named people).
 */
export function canEditPage(actor: Actor, page: PageFacts, namedEditor: boolean): boolean {
	if (page.deletedAt || !canSeePage(actor, page)) return false;
	if (page.editRestricted) return namedEditor || actor.isAdmin || page.ownerId === actor.id;
	return canWriteInSpace(actor, page.departmentId);
}
