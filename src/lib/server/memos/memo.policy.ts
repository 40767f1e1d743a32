/**
 * Who may do what with memos, as plain functions of (actor, memo). Managers issue to their
 * subtree; communications staff and administrators to anyone. Approval needs a second person
 * with the right to issue from the memo's department.
 */
import type { Actor } from '../org/actor.ts';
import { managesDepartment } from '../org/department.policy.ts';
import type { AudienceEntry } from '../../shared/schemas/memos.ts';

type MemoRef = { createdBy: number; issuingDepartmentId: number };
type MemoWithStatus = MemoRef & { status: string };

/** Communications staff and administrators issue to anyone. */
export function issuesToAnyone(actor: Actor): boolean {
	return actor.isAdmin || actor.isCommunications;
}

/** May the actor issue memos at all (from some department)? */
export function canIssueMemos(actor: Actor): boolean {
	return issuesToAnyone(actor) || actor.managedDepartmentIds.length > 0;
}

/** May the actor issue memos in the name of this department? */
export function canIssueFrom(actor: Actor, departmentId: number): boolean {
	return issuesToAnyone(actor) || managesDepartment(actor, departmentId);
}

/**
 * The audience entries the actor may not address, with why. Exclusions are always allowed;
 * a manager addresses departments and people in their subtree only. `personDepartments` maps the
 * named people to their departments.
 */
export function audienceRefusals(
	actor: Actor,
	audience: AudienceEntry[],
	personDepartments: Map<number, number>
): string[] {
	if (issuesToAnyone(actor)) return [];
	const refusals: string[] = [];
	for (const entry of audience) {
		if (entry.exclude) continue;
		if (entry.kind === 'organisation' || entry.kind === 'role')
			refusals.push(
				'Only communications staff and administrators address the whole organisation or a role.'
			);
		else if (entry.kind === 'department' && !managesDepartment(actor, entry.departmentId))
			refusals.push('You can address only departments you manage.');
		else if (entry.kind === 'person') {
			const department = personDepartments.get(entry.userId);
			if (department === undefined || !managesDepartment(actor, department))
				refusals.push('You can address only people in the departments you manage.');
		}
	}
	return [...new Set(refusals)];
}

/** The author edits their draft; administrators too. */
export function canEditMemo(actor: Actor, memo: MemoRef): boolean {
	return memo.createdBy === actor.id || actor.isAdmin;
}

/** A second person who could issue from the memo's department; never the author. */
export function canApproveMemo(actor: Actor, memo: MemoRef): boolean {
	return memo.createdBy !== actor.id && canIssueFrom(actor, memo.issuingDepartmentId);
}

/** The issuer, the managers of the issuing department, and administrators see the report. */
export function canViewMemoReport(actor: Actor, memo: MemoRef): boolean {
	return (
		memo.createdBy === actor.id ||
		actor.isAdmin ||
		managesDepartment(actor, memo.issuingDepartmentId)
	);
}

/** Retracting a memo, or replacing it with a new one: its author, its report's viewers. */
export function canRetractMemo(actor: Actor, memo: MemoRef): boolean {
	return canEditMemo(actor, memo) || canViewMemoReport(actor, memo);
}

/**
 * Extending a person's due date or recording an acknowledgement on their behalf: their
 * department's managers, the issuer, and administrators; never for themselves (an exception is
 * someone else's record: a manager who receives a memo acknowledges it like everyone, with its
 * attestation and question). `person` null: someone the memo is not addressed to, for whom only
 * the issuer and administrators hear so (anyone else learns nothing about the audience).
 */
export function canMakeException(
	actor: Actor,
	memo: MemoRef,
	person: { userId: number; departmentId: number } | null
): boolean {
	if (person?.userId === actor.id) return false;
	return (
		actor.isAdmin ||
		memo.createdBy === actor.id ||
		(person !== null && managesDepartment(actor, person.departmentId))
	);
}

/**
 * Who reads a memo (and its files): its recipients, its author, the people who see its report,
 * and, while it awaits approval, those who may approve it. Drafts are private to their author.
 */
export function canReadMemo(actor: Actor, memo: MemoWithStatus, isRecipient: boolean): boolean {
	return (
		isRecipient ||
		canEditMemo(actor, memo) ||
		canViewMemoReport(actor, memo) ||
		(memo.status === 'awaiting_approval' && canApproveMemo(actor, memo))
	);
}
