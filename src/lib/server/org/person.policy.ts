/**
 * Who may do what to people and departments. Plain functions of the actor (and object);
 * services call them, routes and sockets never decide.
 */
import type { Actor } from './actor.ts';

/** Create, edit, move, deactivate people; import the staff directory; end sessions. */
export function canManagePeople(actor: Actor): boolean {
	return actor.isAdmin;
}

/** Create, edit, move departments and set their visibility. */
export function canManageDepartments(actor: Actor): boolean {
	return actor.isAdmin;
}

/** Read the audit trail and export it. */
export function canReadAuditTrail(actor: Actor): boolean {
	return actor.isAdmin;
}

/** Open the administration area at all. */
export function canOpenAdministration(actor: Actor): boolean {
	return actor.isAdmin;
}

/** Edit a person's own profile fields (bio, avatar): the person themselves or an admin. */
export function canEditProfile(actor: Actor, person: { id: number }): boolean {
	return actor.id === person.id || actor.isAdmin;
}
