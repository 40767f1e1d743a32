/**
 * Who may do what in threads. A thread's visibility follows its home: a thread in a members-only
 * department (or under one) exists only for that department's members.
 */
import type { Actor } from '../org/actor.ts';
import { isMemberOf, managesDepartment } from '../org/department.policy.ts';

export type ThreadFacts = { departmentId: number | null; announceOnly: boolean };

export function canSeeThread(hiddenDepartmentIds: readonly number[], thread: ThreadFacts): boolean {
	return thread.departmentId === null || !hiddenDepartmentIds.includes(thread.departmentId);
}

/** The people who speak in an announce-only thread: its department's managers, communications, admins. */
function speaksFor(actor: Actor, departmentId: number | null): boolean {
	if (actor.isAdmin || actor.isCommunications) return true;
	return departmentId !== null && managesDepartment(actor, departmentId);
}

/** Anyone may start an organisation-wide thread; department threads are for members and managers. */
export function canStartThread(actor: Actor, departmentId: number | null, announceOnly: boolean) {
	if (announceOnly) return speaksFor(actor, departmentId);
	if (departmentId === null) return true;
	return actor.isAdmin || isMemberOf(actor, departmentId) || managesDepartment(actor, departmentId);
}

/** Everyone who may see a thread may write in it, unless it is announce-only. */
export function canPostInThread(actor: Actor, thread: ThreadFacts): boolean {
	return !thread.announceOnly || speaksFor(actor, thread.departmentId);
}

export type MessageFacts = { authorId: number; deletedAt: Date | null };

export function canEditMessage(actor: Actor, message: MessageFacts): boolean {
	return message.deletedAt === null && message.authorId === actor.id;
}

export function canDeleteMessage(actor: Actor, thread: ThreadFacts, message: MessageFacts) {
	return (
		message.deletedAt === null &&
		(message.authorId === actor.id || speaksFor(actor, thread.departmentId))
	);
}
