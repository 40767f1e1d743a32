/**
 * Administering people: create, edit, move between departments, deactivate and reactivate,
 * and assign roles. Administrators only; refusals are audited.
 */
import { enqueueSearchIndex } from '../search/outbox.repository.ts';
import { deliverMemosToJoiners } from '../memos/memo-joiners.ts';
import { z } from 'zod';
import { recordAudit, recordDenied } from '../audit/audit.service.ts';
import { deleteUserSessions } from '../auth/session.repository.ts';
import type { RequestContext } from '../context.ts';
import { db, type Database } from '../db/index.ts';
import {
	ConflictError,
	ForbiddenError,
	NotFoundError,
	UnauthorizedError,
	ValidationError
} from '../errors.ts';
import { decodeCursor, encodeCursor } from '../pagination.ts';
import { deleteNotificationsNowHidden } from '../notifications/notification.repository.ts';
import { publishUnreadCounts } from '../notifications/notification-events.ts';
import { refreshRoomsAfterAccessChange } from '../realtime/access-refresh.ts';
import { disconnectUser } from '../realtime/publish.ts';
import type { PersonInput, RolesInput } from '../../shared/schemas/org.ts';
import type { Actor } from './actor.ts';
import { getDepartment, listAllDepartments } from './department.repository.ts';
import { canManagePeople, canOpenAdministration } from './person.policy.ts';
import {
	countPeopleByStatus,
	getPeopleByEmails,
	getPerson,
	getPersonForAdmin,
	insertPerson,
	listManagerChain,
	listPeopleForAdmin,
	updatePersonRow,
	type AdminPeopleFilter,
	type AdminPersonDetail,
	type AdminPersonListItem,
	type PersonRecord
} from './person.repository.ts';
import {
	countActiveAdmins,
	isActiveAdmin,
	listRoleAssignments,
	lockAdministrators,
	replaceRoleAssignments
} from './role.repository.ts';

async function requireAdmin(
	ctx: RequestContext,
	action: string,
	objectId: string | number
): Promise<Actor> {
	if (!ctx.actor) throw new UnauthorizedError('Sign in first.');
	if (!canManagePeople(ctx.actor)) {
		await recordDenied(ctx, action, 'user', objectId);
		throw new ForbiddenError('Only administrators can manage people.');
	}
	return ctx.actor;
}

async function checkReferences(
	database: Database,
	input: Pick<PersonInput, 'departmentId' | 'managerId'>,
	personId?: number
) {
	if (!(await getDepartment(database, input.departmentId))) {
		throw new ValidationError('That department does not exist.', {
			departmentId: 'Choose an existing department.'
		});
	}
	if (input.managerId !== null) {
		if (input.managerId === personId) {
			throw new ValidationError('A person cannot be their own manager.', {
				managerId: 'Choose someone else as manager.'
			});
		}
		const manager = await getPerson(database, input.managerId);
		if (!manager)
			throw new ValidationError('That manager does not exist.', {
				managerId: 'Choose an existing person.'
			});
		if (
			personId !== undefined &&
			(await listManagerChain(database, input.managerId)).includes(personId)
		) {
			throw new ValidationError('That would make a loop of managers.', {
				managerId: `${manager.name} reports (directly or indirectly) to this person.`
			});
		}
	}
}

/** What an edit changed of a person, field by field (audit details). */
export function personChanges(
	before: PersonRecord,
	after: PersonRecord
): Record<string, { from: unknown; to: unknown }> {
	const diff: Record<string, { from: unknown; to: unknown }> = {};
	for (const key of [
		'email',
		'name',
		'title',
		'departmentId',
		'managerId',
		'bio',
		'avatarUrl',
		'status'
	] as const) {
		if (before[key] !== after[key]) diff[key] = { from: before[key], to: after[key] };
	}
	return diff;
}

/** Creates a person (no password: they sign in with SSO, or an admin sets one). */
export async function createPerson(ctx: RequestContext, input: PersonInput): Promise<PersonRecord> {
	await requireAdmin(ctx, 'person.create', input.email);
	return db()
		.transaction()
		.execute(async (trx) => {
			if ((await getPeopleByEmails(trx, [input.email])).length) {
				throw new ConflictError(`Someone with ${input.email} already exists.`);
			}
			await checkReferences(trx, input);
			const person = await insertPerson(trx, { ...input, avatarUrl: null });
			await enqueueSearchIndex(trx, [{ kind: 'person', id: person.id }]);
			await deliverMemosToJoiners(trx, [person.id]);
			await recordAudit(trx, ctx, {
				action: 'person.create',
				objectType: 'user',
				objectId: person.id,
				details: { email: person.email, departmentId: person.departmentId }
			});
			return person;
		});
}

/** Edits a person, including moving them to another department or manager. */
export async function updatePerson(
	ctx: RequestContext,
	personId: number,
	input: PersonInput
): Promise<PersonRecord> {
	await requireAdmin(ctx, 'person.update', personId);
	let movedDepartment = false;
	let notified: number[] = [];
	const updated = await db()
		.transaction()
		.execute(async (trx) => {
			const before = await getPerson(trx, personId);
			if (!before) throw new NotFoundError('That person does not exist.');
			const sameEmail = (await getPeopleByEmails(trx, [input.email])).find(
				(p) => p.id !== personId
			);
			if (sameEmail) throw new ConflictError(`${sameEmail.name} already uses ${input.email}.`);
			await checkReferences(trx, input, personId);
			const after = await updatePersonRow(trx, personId, input);
			await enqueueSearchIndex(trx, [{ kind: 'person', id: personId }]);
			movedDepartment = after.departmentId !== before.departmentId;
			if (movedDepartment) {
				await deliverMemosToJoiners(trx, [personId]);
				notified = await deleteNotificationsNowHidden(trx, [personId]);
			}
			await recordAudit(trx, ctx, {
				action: 'person.update',
				objectType: 'user',
				objectId: personId,
				details: { changes: personChanges(before, after) }
			});
			return after;
		});
	// Pages they have open stop hearing a members-only department they left (and the department
	// they left, unless they follow it), and hear the one they joined.
	if (movedDepartment) await refreshRoomsAfterAccessChange([personId]);
	await publishUnreadCounts(db(), notified);
	return updated;
}

/**
 * Deactivates a person: they cannot sign in, their sessions end and their sockets close at once.
 * An administrator cannot deactivate themselves (someone must be left to undo it).
 */
export async function deactivatePerson(
	ctx: RequestContext,
	personId: number
): Promise<PersonRecord> {
	const actor = await requireAdmin(ctx, 'person.deactivate', personId);
	if (actor.id === personId)
		throw new ValidationError('You cannot deactivate your own account. Ask another administrator.');
	const person = await db()
		.transaction()
		.execute(async (trx) => {
			const before = await getPerson(trx, personId);
			if (!before) throw new NotFoundError('That person does not exist.');
			if (before.status === 'deactivated') return before;
			await lockAdministrators(trx);
			if ((await isActiveAdmin(trx, personId)) && (await countActiveAdmins(trx, personId)) === 0)
				throw new ValidationError(
					'This is the last active administrator. Make someone else an administrator first.'
				);
			const after = await updatePersonRow(trx, personId, {
				status: 'deactivated',
				deactivatedAt: new Date()
			});
			await enqueueSearchIndex(trx, [{ kind: 'person', id: personId }]);
			const ended = await deleteUserSessions(trx, personId);
			await recordAudit(trx, ctx, {
				action: 'person.deactivate',
				objectType: 'user',
				objectId: personId,
				details: { sessionsEnded: ended }
			});
			return after;
		});
	disconnectUser(personId);
	return person;
}

export async function reactivatePerson(
	ctx: RequestContext,
	personId: number
): Promise<PersonRecord> {
	await requireAdmin(ctx, 'person.reactivate', personId);
	return db()
		.transaction()
		.execute(async (trx) => {
			const before = await getPerson(trx, personId);
			if (!before) throw new NotFoundError('That person does not exist.');
			if (before.status === 'active') return before;
			const after = await updatePersonRow(trx, personId, { status: 'active', deactivatedAt: null });
			await enqueueSearchIndex(trx, [{ kind: 'person', id: personId }]);
			await recordAudit(trx, ctx, {
				action: 'person.reactivate',
				objectType: 'user',
				objectId: personId
			});
			return after;
		});
}

/** Replaces a person's roles. The last active administrator cannot lose the admin role. */
export async function setRoles(
	ctx: RequestContext,
	personId: number,
	input: RolesInput
): Promise<void> {
	await requireAdmin(ctx, 'person.roles', personId);
	await db()
		.transaction()
		.execute(async (trx) => {
			if (!(await getPerson(trx, personId))) throw new NotFoundError('That person does not exist.');
			for (const departmentId of input.managerOf) {
				if (!(await getDepartment(trx, departmentId)))
					throw new ValidationError('That department does not exist.', {
						managerOf: 'Choose existing departments.'
					});
			}
			await lockAdministrators(trx);
			if (!input.roles.includes('admin') && (await countActiveAdmins(trx, personId)) === 0) {
				throw new ValidationError(
					'This is the last active administrator. Make someone else an administrator first.',
					{ roles: 'Keep the administrator role.' }
				);
			}
			const before = await listRoleAssignments(trx, personId);
			const assignments = [
				...input.roles.map((roleKey) => ({ roleKey, departmentId: null })),
				...[...new Set(input.managerOf)].map((departmentId) => ({
					roleKey: 'manager',
					departmentId
				}))
			];
			await replaceRoleAssignments(trx, personId, assignments);
			await recordAudit(trx, ctx, {
				action: 'person.roles',
				objectType: 'user',
				objectId: personId,
				details: { before, after: assignments }
			});
		});
}

const ADMIN_PAGE_SIZE = 50;
const adminPersonCursor = z.tuple([z.string(), z.number().int()]);

/**
 * One page of everyone (deactivated people included), alphabetical, keyset-paginated, optionally
 * narrowed to a name or email fragment and a status. Administrators only; throws ForbiddenError
 * (audited) otherwise.
 */
export async function listPeopleForAdministration(
	ctx: RequestContext,
	input: AdminPeopleFilter & { cursor?: string | null }
): Promise<{ people: AdminPersonListItem[]; nextCursor: string | null }> {
	await requireAdmin(ctx, 'person.list', 'all');
	const rows = await listPeopleForAdmin(
		db(),
		{ query: input.query?.trim().slice(0, 200), status: input.status },
		{ after: decodeCursor(input.cursor, adminPersonCursor), limit: ADMIN_PAGE_SIZE + 1 }
	);
	const people = rows.slice(0, ADMIN_PAGE_SIZE);
	const last = people.at(-1);
	return {
		people,
		nextCursor: rows.length > ADMIN_PAGE_SIZE && last ? encodeCursor([last.name, last.id]) : null
	};
}

export type PersonAdministration = {
	person: AdminPersonDetail;
	roles: RolesInput;
};

/**
 * A person as the administration page edits them: their record, manager and roles.
 * Administrators only; throws ForbiddenError (audited) or NotFoundError.
 */
export async function getPersonForAdministration(
	ctx: RequestContext,
	personId: number
): Promise<PersonAdministration> {
	await requireAdmin(ctx, 'person.read', personId);
	const person = await getPersonForAdmin(db(), personId);
	if (!person) throw new NotFoundError('That person does not exist.');
	const assignments = await listRoleAssignments(db(), personId);
	const roles: RolesInput = { roles: [], managerOf: [] };
	for (const a of assignments) {
		if (a.roleKey === 'manager' && a.departmentId !== null) roles.managerOf.push(a.departmentId);
		else if (a.roleKey === 'admin' || a.roleKey === 'communications') roles.roles.push(a.roleKey);
	}
	return { person, roles };
}

/**
 * What the administration overview shows: how many people are active and deactivated, and
 * how many departments there are. Throws ForbiddenError (audited) for anyone who may not open
 * the administration area.
 */
export async function getAdministrationOverview(
	ctx: RequestContext
): Promise<{ activePeople: number; deactivatedPeople: number; departments: number }> {
	if (!ctx.actor) throw new UnauthorizedError('Sign in first.');
	if (!canOpenAdministration(ctx.actor)) {
		await recordDenied(ctx, 'admin.open', 'administration', 'overview');
		throw new ForbiddenError('Only administrators can open the administration area.');
	}
	const [counts, departments] = await Promise.all([
		countPeopleByStatus(db()),
		listAllDepartments(db())
	]);
	return {
		activePeople: counts['active'] ?? 0,
		deactivatedPeople: counts['deactivated'] ?? 0,
		departments: departments.length
	};
}
