/**
 * Every policy in person.policy.ts and department.policy.ts, against actors loaded from real rows:
 * a small tree (root → directorate → unit, a sibling directorate, and a members-only department
 * with a sub-department), people in each, and roles granted as data.
 */
import { describe, expect, it } from 'vitest';
import { loadActor, type Actor } from '../../src/lib/server/org/actor.ts';
import {
	canSeeDepartment,
	isMemberOf,
	managesDepartment
} from '../../src/lib/server/org/department.policy.ts';
import { getAncestry } from '../../src/lib/server/org/department.repository.ts';
import {
	canEditProfile,
	canManageDepartments,
	canManagePeople,
	canOpenAdministration,
	canReadAuditTrail
} from '../../src/lib/server/org/person.policy.ts';
import { grantRole, newDepartment, newUser } from '../factories.ts';
import { createTestDatabase } from './database.ts';

const { db } = await createTestDatabase();

const root = await newDepartment(db, { name: 'Council' });
const directorate = await newDepartment(db, { name: 'Operations', parentId: root.id });
const unit = await newDepartment(db, { name: 'Parks', parentId: directorate.id });
const sibling = await newDepartment(db, { name: 'Corporate', parentId: root.id });
const sealed = await newDepartment(db, {
	name: 'Investigations',
	parentId: root.id,
	visibility: 'members-only'
});
const sealedSub = await newDepartment(db, { name: 'Case Team', parentId: sealed.id });

async function actorIn(departmentId: number, roles: ('admin' | 'communications')[] = []) {
	const user = await newUser(db, { departmentId });
	for (const role of roles) await grantRole(db, user.id, role);
	const actor = await loadActor(db, user.id);
	if (!actor) throw new Error('expected an active actor');
	return actor;
}

async function reload(actor: Actor): Promise<Actor> {
	const fresh = await loadActor(db, actor.id);
	if (!fresh) throw new Error('expected an active actor');
	return fresh;
}

const atRoot = await actorIn(root.id);
const inDirectorate = await actorIn(directorate.id);
const inUnit = await actorIn(unit.id);
const inSibling = await actorIn(sibling.id);
const inSealed = await actorIn(sealed.id);
const inSealedSub = await actorIn(sealedSub.id);
const admin = await actorIn(sibling.id, ['admin']);
const communications = await actorIn(sibling.id, ['communications']);
let manager = await actorIn(sibling.id);
await grantRole(db, manager.id, 'manager', directorate.id);
manager = await reload(manager);

const everyone = () => [
	atRoot,
	inDirectorate,
	inUnit,
	inSibling,
	inSealed,
	inSealedSub,
	admin,
	communications,
	manager
];

describe('loadActor', () => {
	it('loads roles, managed departments and the department path from the rows', async () => {
		expect(admin.isAdmin).toBe(true);
		expect(admin.isCommunications).toBe(false);
		expect(communications.isCommunications).toBe(true);
		expect(communications.isAdmin).toBe(false);
		expect(manager.managerOf).toEqual([directorate.id]);
		expect([...manager.managedDepartmentIds].sort((a, b) => a - b)).toEqual(
			[directorate.id, unit.id].sort((a, b) => a - b)
		);
		expect([...inUnit.departmentPath].sort((a, b) => a - b)).toEqual(
			[root.id, directorate.id, unit.id].sort((a, b) => a - b)
		);
	});

	it('returns null for a deactivated person, so they hold no powers at all', async () => {
		const gone = await newUser(db, { departmentId: root.id, status: 'deactivated' });
		await grantRole(db, gone.id, 'admin');
		expect(await loadActor(db, gone.id)).toBeNull();
		expect(await loadActor(db, 987_654_321)).toBeNull();
	});
});

describe('person.policy', () => {
	it('lets only administrators manage people and departments, read the audit trail and open administration', () => {
		for (const actor of everyone()) {
			const expected = actor.id === admin.id;
			expect(canManagePeople(actor), `canManagePeople #${actor.id}`).toBe(expected);
			expect(canManageDepartments(actor), `canManageDepartments #${actor.id}`).toBe(expected);
			expect(canReadAuditTrail(actor), `canReadAuditTrail #${actor.id}`).toBe(expected);
			expect(canOpenAdministration(actor), `canOpenAdministration #${actor.id}`).toBe(expected);
		}
	});

	it('does not give managers or communications administrative powers', () => {
		for (const actor of [manager, communications]) {
			expect(canManagePeople(actor)).toBe(false);
			expect(canOpenAdministration(actor)).toBe(false);
		}
	});

	it('lets people edit their own profile, and administrators anyone’s', () => {
		expect(canEditProfile(inUnit, { id: inUnit.id })).toBe(true);
		expect(canEditProfile(inUnit, { id: inDirectorate.id })).toBe(false);
		// A manager does not edit their reports' profiles.
		expect(canEditProfile(manager, { id: inUnit.id })).toBe(false);
		expect(canEditProfile(communications, { id: inUnit.id })).toBe(false);
		expect(canEditProfile(admin, { id: inUnit.id })).toBe(true);
		expect(canEditProfile(admin, { id: admin.id })).toBe(true);
	});

	it('takes administrative powers away as soon as the role is removed', async () => {
		const temporary = await actorIn(root.id, ['admin']);
		expect(canManagePeople(temporary)).toBe(true);
		await db.deleteFrom('roleAssignment').where('userId', '=', temporary.id).execute();
		const after = await reload(temporary);
		expect(canManagePeople(after)).toBe(false);
		expect(canEditProfile(after, { id: inUnit.id })).toBe(false);
	});
});

describe('isMemberOf', () => {
	it('counts a person as a member of their department and every ancestor', () => {
		expect(isMemberOf(inUnit, unit.id)).toBe(true);
		expect(isMemberOf(inUnit, directorate.id)).toBe(true);
		expect(isMemberOf(inUnit, root.id)).toBe(true);
	});

	it('does not count sub-departments, siblings or other branches', () => {
		expect(isMemberOf(inDirectorate, unit.id)).toBe(false);
		expect(isMemberOf(inUnit, sibling.id)).toBe(false);
		expect(isMemberOf(inSibling, directorate.id)).toBe(false);
		expect(isMemberOf(atRoot, directorate.id)).toBe(false);
	});

	it('is about where a person works, not what they manage', () => {
		expect(isMemberOf(manager, directorate.id)).toBe(false);
		expect(isMemberOf(manager, sibling.id)).toBe(true);
	});
});

describe('canSeeDepartment', () => {
	const seen = async (actor: Actor, departmentId: number) =>
		canSeeDepartment(actor, await getAncestry(db, departmentId));

	it('gets the department and its ancestors with their visibility', async () => {
		const ancestry = await getAncestry(db, sealedSub.id);
		expect(ancestry.map((d) => [d.id, d.visibility])).toEqual([
			[sealedSub.id, 'organisation'],
			[sealed.id, 'members-only'],
			[root.id, 'organisation']
		]);
	});

	it('shows organisation-wide departments to everyone', async () => {
		for (const actor of everyone()) {
			for (const department of [root, directorate, unit, sibling]) {
				expect(await seen(actor, department.id), `#${actor.id} sees ${department.name}`).toBe(true);
			}
		}
	});

	it('shows a members-only department and its sub-department to its members, including sub-department members', async () => {
		for (const member of [inSealed, inSealedSub]) {
			expect(await seen(member, sealed.id)).toBe(true);
			expect(await seen(member, sealedSub.id)).toBe(true);
		}
	});

	it('hides a members-only department and everything under it from everyone else, administrators included', async () => {
		for (const outsider of [atRoot, inDirectorate, inUnit, inSibling, admin, communications]) {
			expect(await seen(outsider, sealed.id), `#${outsider.id} sees the sealed department`).toBe(
				false
			);
			expect(await seen(outsider, sealedSub.id), `#${outsider.id} sees its sub-department`).toBe(
				false
			);
		}
	});

	it('follows a move: a person who joins the members-only department starts to see it', async () => {
		const mover = await actorIn(sibling.id);
		expect(await seen(mover, sealedSub.id)).toBe(false);
		await db
			.updateTable('users')
			.set({ departmentId: sealedSub.id })
			.where('id', '=', mover.id)
			.execute();
		expect(await seen(await reload(mover), sealedSub.id)).toBe(true);
	});
});

describe('managesDepartment', () => {
	it('lets the manager of a directorate manage it and its units', () => {
		expect(managesDepartment(manager, directorate.id)).toBe(true);
		expect(managesDepartment(manager, unit.id)).toBe(true);
	});

	it('does not reach the sibling directorate, the parent, or the manager’s own department', () => {
		expect(managesDepartment(manager, sibling.id)).toBe(false);
		expect(managesDepartment(manager, root.id)).toBe(false);
		expect(managesDepartment(manager, sealed.id)).toBe(false);
	});

	it('gives nobody else management, administrators included', () => {
		for (const actor of everyone().filter((a) => a.id !== manager.id)) {
			for (const department of [root, directorate, unit, sibling, sealed, sealedSub]) {
				expect(managesDepartment(actor, department.id)).toBe(false);
			}
		}
	});

	it('covers a sub-department created after the role was granted, once the actor is reloaded', async () => {
		const newUnit = await newDepartment(db, { name: 'Cemeteries', parentId: unit.id });
		expect(managesDepartment(manager, newUnit.id)).toBe(false);
		expect(managesDepartment(await reload(manager), newUnit.id)).toBe(true);
	});

	it('lets a unit manager manage only the unit, not the directorate above it', async () => {
		let unitManager = await actorIn(unit.id);
		await grantRole(db, unitManager.id, 'manager', unit.id);
		unitManager = await reload(unitManager);
		expect(managesDepartment(unitManager, unit.id)).toBe(true);
		expect(managesDepartment(unitManager, directorate.id)).toBe(false);
	});
});
