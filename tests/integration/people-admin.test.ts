/**
 * Administering people and departments against a real database: conflicts, manager loops,
 * deactivation, the last administrator, the department tree, and audited refusals.
 */
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { RequestContext } from '../../src/lib/server/context.ts';
import {
	ConflictError,
	ForbiddenError,
	NotFoundError,
	ValidationError
} from '../../src/lib/server/errors.ts';
import { loadActor } from '../../src/lib/server/org/actor.ts';
import {
	createDepartment,
	updateDepartment
} from '../../src/lib/server/org/departments.service.ts';
import {
	createPerson,
	deactivatePerson,
	reactivatePerson,
	setRoles,
	updatePerson
} from '../../src/lib/server/org/people.service.ts';
import { countActiveAdmins } from '../../src/lib/server/org/role.repository.ts';
import {
	departmentInputSchema,
	personInputSchema,
	type DepartmentInput,
	type PersonInput
} from '../../src/lib/shared/schemas/org.ts';
import { grantRole, newDepartment, newUser } from '../factories.ts';
import { createTestDatabase } from './database.ts';
import { sessionTokenFor } from './sessions.ts';

const { db } = await createTestDatabase();

const home = await newDepartment(db, { slug: 'home-office', name: 'Home Office' });
const away = await newDepartment(db, { slug: 'away-office', name: 'Away Office' });

async function contextFor(userId: number): Promise<RequestContext> {
	return { actor: await loadActor(db, userId), ip: '127.0.0.1', userAgent: 'vitest' };
}

async function newAdmin() {
	const user = await newUser(db, { departmentId: home.id });
	await grantRole(db, user.id, 'admin');
	return user;
}

const adminUser = await newAdmin();
const admin = await contextFor(adminUser.id);
const clerkUser = await newUser(db, { departmentId: home.id });
const clerk = await contextFor(clerkUser.id);

let emails = 0;
function personInput(overrides: Partial<Record<keyof PersonInput, unknown>> = {}): PersonInput {
	return personInputSchema.parse({
		email: `admin-made-${++emails}@example.test`,
		name: `Made Person ${emails}`,
		title: 'Officer',
		departmentId: home.id,
		...overrides
	});
}

function departmentInput(overrides: Partial<Record<keyof DepartmentInput, unknown>> = {}) {
	return departmentInputSchema.parse({
		name: 'Some Department',
		slug: `dept-${++emails}`,
		visibility: 'organisation',
		...overrides
	});
}

async function auditRows(action: string, objectId: string | number) {
	return db
		.selectFrom('auditEvent')
		.selectAll()
		.where('action', '=', action)
		.where('objectId', '=', String(objectId))
		.orderBy('id')
		.execute();
}

async function sessionsOf(userId: number) {
	return db.selectFrom('session').select('id').where('userId', '=', userId).execute();
}

describe('createPerson', () => {
	it('creates a person and audits it', async () => {
		const input = personInput({ email: '  New.Starter@Example.test ', managerId: adminUser.id });
		const person = await createPerson(admin, input);
		expect(person).toMatchObject({
			email: 'new.starter@example.test',
			departmentId: home.id,
			managerId: adminUser.id,
			status: 'active'
		});
		const audit = await auditRows('person.create', person.id);
		expect(audit).toHaveLength(1);
		expect(audit[0]).toMatchObject({
			actorId: adminUser.id,
			outcome: 'success',
			details: { email: 'new.starter@example.test', departmentId: home.id }
		});
	});

	it('refuses a second person with the same email', async () => {
		const first = await createPerson(admin, personInput({ email: 'twice@example.test' }));
		await expect(
			createPerson(admin, personInput({ email: 'TWICE@example.test', name: 'Someone Else' }))
		).rejects.toBeInstanceOf(ConflictError);
		const rows = await db
			.selectFrom('users')
			.select('id')
			.where('email', '=', 'twice@example.test')
			.execute();
		expect(rows.map((r) => r.id)).toEqual([first.id]);
	});

	it('refuses an unknown department or manager', async () => {
		await expect(
			createPerson(admin, personInput({ departmentId: 987_654 }))
		).rejects.toBeInstanceOf(ValidationError);
		const error = await createPerson(admin, personInput({ managerId: 987_654 })).catch((e) => e);
		expect(error).toBeInstanceOf(ValidationError);
		expect((error as ValidationError).fields).toHaveProperty('managerId');
	});
});

describe('updatePerson', () => {
	it('moves a person to another department and records what changed', async () => {
		const person = await createPerson(admin, personInput());
		const updated = await updatePerson(
			admin,
			person.id,
			personInput({ email: person.email, name: person.name, departmentId: away.id })
		);
		expect(updated.departmentId).toBe(away.id);
		expect((await loadActor(db, person.id))!.departmentPath).toEqual([away.id]);
		const audit = await auditRows('person.update', person.id);
		expect(audit.at(-1)!.details).toEqual({
			changes: { departmentId: { from: home.id, to: away.id } }
		});
	});

	it('refuses a loop of managers, direct or indirect, and a person as their own manager', async () => {
		const top = await createPerson(admin, personInput({ name: 'Top' }));
		const middle = await createPerson(admin, personInput({ name: 'Middle', managerId: top.id }));
		const bottom = await createPerson(admin, personInput({ name: 'Bottom', managerId: middle.id }));

		for (const managerId of [middle.id, bottom.id, top.id]) {
			const error = await updatePerson(
				admin,
				top.id,
				personInput({ email: top.email, name: top.name, managerId })
			).catch((e) => e);
			expect(error, `manager ${managerId}`).toBeInstanceOf(ValidationError);
			expect((error as ValidationError).fields).toHaveProperty('managerId');
		}
		expect(
			(await db
				.selectFrom('users')
				.select('managerId')
				.where('id', '=', top.id)
				.executeTakeFirst())!.managerId
		).toBeNull();

		// A manager from elsewhere is fine.
		const ok = await updatePerson(
			admin,
			bottom.id,
			personInput({ email: bottom.email, name: bottom.name, managerId: top.id })
		);
		expect(ok.managerId).toBe(top.id);
	});

	it('refuses an email another person already uses, and an unknown person', async () => {
		const a = await createPerson(admin, personInput());
		const b = await createPerson(admin, personInput());
		await expect(
			updatePerson(admin, b.id, personInput({ email: a.email, name: b.name }))
		).rejects.toBeInstanceOf(ConflictError);
		await expect(updatePerson(admin, 987_654, personInput())).rejects.toBeInstanceOf(NotFoundError);
	});
});

describe('deactivatePerson', () => {
	it('deactivates a person and ends their sessions at once', async () => {
		const person = await createPerson(admin, personInput());
		await sessionTokenFor(db, person.id);
		await sessionTokenFor(db, person.id);
		const after = await deactivatePerson(admin, person.id);
		expect(after.status).toBe('deactivated');
		expect(await sessionsOf(person.id)).toHaveLength(0);
		expect(await loadActor(db, person.id)).toBeNull();
		const audit = await auditRows('person.deactivate', person.id);
		expect(audit).toHaveLength(1);
		expect(audit[0]!.details).toEqual({ sessionsEnded: 2 });

		// Deactivating again is harmless and not audited twice; reactivation brings them back.
		await deactivatePerson(admin, person.id);
		expect(await auditRows('person.deactivate', person.id)).toHaveLength(1);
		expect((await reactivatePerson(admin, person.id)).status).toBe('active');
		expect(await loadActor(db, person.id)).not.toBeNull();
	});

	it('does not let administrators deactivate themselves', async () => {
		await sessionTokenFor(db, adminUser.id);
		const error = await deactivatePerson(admin, adminUser.id).catch((e) => e);
		expect(error).toBeInstanceOf(ValidationError);
		expect((await loadActor(db, adminUser.id))?.isAdmin).toBe(true);
		expect((await sessionsOf(adminUser.id)).length).toBeGreaterThan(0);
	});
});

describe('setRoles', () => {
	it('replaces roles and manager assignments, which the next actor load reflects', async () => {
		const person = await createPerson(admin, personInput());
		await setRoles(admin, person.id, { roles: ['communications'], managerOf: [away.id, away.id] });
		const actor = await loadActor(db, person.id);
		expect(actor).toMatchObject({ isCommunications: true, isAdmin: false, managerOf: [away.id] });
		const audit = await auditRows('person.roles', person.id);
		expect(audit.at(-1)!.details).toMatchObject({
			before: [],
			after: [
				{ roleKey: 'communications', departmentId: null },
				{ roleKey: 'manager', departmentId: away.id }
			]
		});
		await setRoles(admin, person.id, { roles: [], managerOf: [] });
		expect(await loadActor(db, person.id)).toMatchObject({
			isCommunications: false,
			managerOf: []
		});
	});

	it('keeps the last active administrator an administrator', async () => {
		// This file's admins other than `adminUser` are removed first, so adminUser is the last one.
		const others = await db
			.selectFrom('roleAssignment')
			.select('userId')
			.where('roleKey', '=', 'admin')
			.where('userId', '<>', adminUser.id)
			.execute();
		for (const { userId } of others) {
			await setRoles(admin, userId, { roles: [], managerOf: [] });
		}
		expect(await countActiveAdmins(db)).toBe(1);

		const error = await setRoles(admin, adminUser.id, { roles: [], managerOf: [] }).catch((e) => e);
		expect(error).toBeInstanceOf(ValidationError);
		expect((error as ValidationError).fields).toHaveProperty('roles');
		expect((await loadActor(db, adminUser.id))!.isAdmin).toBe(true);

		// With a second administrator, the first may step down.
		const second = await newAdmin();
		await setRoles(admin, adminUser.id, { roles: [], managerOf: [] });
		expect((await loadActor(db, adminUser.id))!.isAdmin).toBe(false);
		// Restore for the other tests.
		await setRoles(await contextFor(second.id), adminUser.id, { roles: ['admin'], managerOf: [] });
		expect((await loadActor(db, adminUser.id))!.isAdmin).toBe(true);
	});

	it('cannot be raced into leaving no administrator', async () => {
		await expectRaceLeavesAnAdministrator((ctx, otherId) =>
			setRoles(ctx, otherId, { roles: [], managerOf: [] })
		);
	});

	it('cannot be raced into leaving no administrator by deactivation either', async () => {
		await expectRaceLeavesAnAdministrator((ctx, otherId) => deactivatePerson(ctx, otherId));
	});
});

/**
 * Leaves exactly two administrators, has each remove the other at the same moment, and checks that
 * at least one administrator remains. Holding the audit chain's lock on another connection makes
 * the two transactions overlap for sure (each writes its audit entry last, so both have checked
 * and written by then).
 */
async function expectRaceLeavesAnAdministrator(
	removeOther: (ctx: RequestContext, otherId: number) => Promise<unknown>
): Promise<void> {
	const a = await newAdmin();
	const b = await newAdmin();
	const rest = await db
		.selectFrom('roleAssignment')
		.select('userId')
		.where('roleKey', '=', 'admin')
		.where('userId', 'not in', [a.id, b.id])
		.execute();
	for (const { userId } of rest)
		await db.deleteFrom('roleAssignment').where('userId', '=', userId).execute();
	const ctxA = await contextFor(a.id);
	const ctxB = await contextFor(b.id);

	const outcomes = await db.connection().execute(async (conn) => {
		await sql`select pg_advisory_lock(hashtext('commons.audit_chain'))`.execute(conn);
		try {
			const racing = Promise.allSettled([removeOther(ctxA, b.id), removeOther(ctxB, a.id)]);
			for (let i = 0; i < 200; i++) {
				const { rows } = await sql<{ n: number }>`
					select count(*)::int as n from pg_locks where locktype = 'advisory' and not granted
				`.execute(conn);
				if (rows[0]!.n >= 2) break;
				await new Promise((resolve) => setTimeout(resolve, 10));
			}
			await sql`select pg_advisory_unlock(hashtext('commons.audit_chain'))`.execute(conn);
			return await racing;
		} finally {
			await sql`select pg_advisory_unlock_all()`.execute(conn);
		}
	});
	const refused = outcomes.filter((o) => o.status === 'rejected');
	const remaining = await countActiveAdmins(db);

	// Put this file's administrator back whatever happened.
	await grantRole(db, adminUser.id, 'admin');
	expect(remaining, `refusals: ${refused.map((o) => String(o.reason))}`).toBeGreaterThanOrEqual(1);
	expect(refused).toHaveLength(1);
	expect((refused[0] as PromiseRejectedResult).reason).toBeInstanceOf(ValidationError);
}

describe('departments', () => {
	it('creates a department and refuses a second with the same address', async () => {
		const created = await createDepartment(
			admin,
			departmentInput({ slug: 'gardens', parentId: home.id })
		);
		expect(created).toMatchObject({
			slug: 'gardens',
			parentId: home.id,
			visibility: 'organisation'
		});
		expect(await auditRows('department.create', created.id)).toHaveLength(1);
		await expect(
			createDepartment(admin, departmentInput({ slug: 'Gardens', name: 'Other Gardens' }))
		).rejects.toBeInstanceOf(ConflictError);
		await expect(
			createDepartment(admin, departmentInput({ parentId: 987_654 }))
		).rejects.toBeInstanceOf(ValidationError);
	});

	it('updates a department, refusing another department’s address', async () => {
		const a = await createDepartment(admin, departmentInput({ slug: 'alpha-unit' }));
		const b = await createDepartment(admin, departmentInput({ slug: 'beta-unit' }));
		await expect(
			updateDepartment(admin, b.id, departmentInput({ slug: 'alpha-unit' }))
		).rejects.toBeInstanceOf(ConflictError);
		// Keeping its own address is fine.
		const updated = await updateDepartment(
			admin,
			b.id,
			departmentInput({ slug: 'beta-unit', name: 'Beta Unit', visibility: 'members-only' })
		);
		expect(updated).toMatchObject({
			slug: 'beta-unit',
			name: 'Beta Unit',
			visibility: 'members-only'
		});
		const audit = await auditRows('department.update', b.id);
		expect(audit.at(-1)!.details).toMatchObject({
			changes: {
				name: { to: 'Beta Unit' },
				visibility: { from: 'organisation', to: 'members-only' }
			}
		});
		expect(a.slug).toBe('alpha-unit');
	});

	it('moves a department with its subtree, but never under itself or its own sub-department', async () => {
		const top = await createDepartment(admin, departmentInput({ slug: 'tree-top' }));
		const mid = await createDepartment(
			admin,
			departmentInput({ slug: 'tree-mid', parentId: top.id })
		);
		const leaf = await createDepartment(
			admin,
			departmentInput({ slug: 'tree-leaf', parentId: mid.id })
		);

		for (const parentId of [mid.id, leaf.id, top.id]) {
			const error = await updateDepartment(
				admin,
				top.id,
				departmentInput({ slug: 'tree-top', name: top.name, parentId })
			).catch((e) => e);
			expect(error, `under ${parentId}`).toBeInstanceOf(ValidationError);
			expect((error as ValidationError).fields).toHaveProperty('parentId');
		}
		expect(
			(await db
				.selectFrom('department')
				.select('parentId')
				.where('id', '=', top.id)
				.executeTakeFirst())!.parentId
		).toBeNull();

		const moved = await updateDepartment(
			admin,
			mid.id,
			departmentInput({ slug: 'tree-mid', name: mid.name, parentId: away.id })
		);
		expect(moved.parentId).toBe(away.id);
		const leafRow = await db
			.selectFrom('department')
			.select('parentId')
			.where('id', '=', leaf.id)
			.executeTakeFirst();
		expect(leafRow!.parentId).toBe(mid.id);
	});
});

describe('non-administrators', () => {
	it('are refused every change, each refusal audited as denied, and nothing changes', async () => {
		const target = await createPerson(admin, personInput());
		const usersBefore = await db
			.selectFrom('users')
			.selectAll()
			.where('id', '=', target.id)
			.executeTakeFirst();
		const attempts: [string, string, () => Promise<unknown>][] = [
			[
				'person.create',
				'refused@example.test',
				() => createPerson(clerk, personInput({ email: 'refused@example.test' }))
			],
			[
				'person.update',
				String(target.id),
				() => updatePerson(clerk, target.id, personInput({ email: target.email, name: 'Hacked' }))
			],
			['person.deactivate', String(target.id), () => deactivatePerson(clerk, target.id)],
			[
				'person.roles',
				String(target.id),
				() => setRoles(clerk, target.id, { roles: ['admin'], managerOf: [] })
			],
			[
				'department.create',
				'refused-dept',
				() => createDepartment(clerk, departmentInput({ slug: 'refused-dept' }))
			],
			[
				'department.update',
				String(home.id),
				() =>
					updateDepartment(clerk, home.id, departmentInput({ slug: 'home-office', name: 'Hacked' }))
			]
		];
		for (const [action, objectId, run] of attempts) {
			await expect(run(), action).rejects.toBeInstanceOf(ForbiddenError);
			const audit = await auditRows(action, objectId);
			expect(
				audit.filter((r) => r.actorId === clerkUser.id),
				action
			).toMatchObject([{ outcome: 'denied', ip: '127.0.0.1', userAgent: 'vitest' }]);
		}
		expect(
			await db.selectFrom('users').selectAll().where('id', '=', target.id).executeTakeFirst()
		).toEqual(usersBefore);
		expect(
			await db
				.selectFrom('users')
				.select('id')
				.where('email', '=', 'refused@example.test')
				.execute()
		).toEqual([]);
		expect((await loadActor(db, clerkUser.id))!.isAdmin).toBe(false);
		expect(
			(await db
				.selectFrom('department')
				.select('name')
				.where('id', '=', home.id)
				.executeTakeFirst())!.name
		).toBe('Home Office');
	});
});
