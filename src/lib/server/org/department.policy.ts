/**
 * Department visibility and membership. A members-only department, and everything in it, is
 * visible only to its members: people whose department is it or one of its sub-departments.
 */
import type { Actor } from './actor.ts';

export type DepartmentRef = { id: number; visibility: string };

/** A member of a department belongs to it or to one of its sub-departments. */
export function isMemberOf(actor: Actor, departmentId: number): boolean {
	return actor.departmentPath.includes(departmentId);
}

/**
 * May the actor see this department and what is in it? Visibility follows the department and
 * its ancestors: `ancestry` lists the department and every ancestor (members-only anywhere up the
 * tree makes the subtree private to that members-only department's members).
 */
export function canSeeDepartment(actor: Actor, ancestry: DepartmentRef[]): boolean {
	return ancestry.every((d) => d.visibility !== 'members-only' || isMemberOf(actor, d.id));
}

/** Managers manage their departments and all sub-departments. */
export function managesDepartment(actor: Actor, departmentId: number): boolean {
	return actor.managedDepartmentIds.includes(departmentId);
}
