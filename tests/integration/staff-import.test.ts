/**
 * The CSV staff import against a real database: the preview's plan and its errors (row = file
 * line, column named), all-or-nothing apply, manager links, deactivation, and refusals.
 */
import { describe, expect, it } from 'vitest';
import type { RequestContext } from '../../src/lib/server/context.ts';
import { ForbiddenError, ValidationError } from '../../src/lib/server/errors.ts';
import { loadActor } from '../../src/lib/server/org/actor.ts';
import { listManagerChain } from '../../src/lib/server/org/person.repository.ts';
import {
	applyStaffImport,
	previewStaffImport
} from '../../src/lib/server/org/staff-import.service.ts';
import { grantRole, newDepartment, newUser } from '../factories.ts';
import { createTestDatabase } from './database.ts';
import { sessionTokenFor } from './sessions.ts';

const { db } = await createTestDatabase();

const parks = await newDepartment(db, { slug: 'parks', name: 'Parks and Gardens' });
const finance = await newDepartment(db, { slug: 'finance', name: 'Finance' });
const adminUser = await newUser(db, { departmentId: finance.id, email: 'admin@import.test' });
await grantRole(db, adminUser.id, 'admin');
const admin: RequestContext = {
	actor: await loadActor(db, adminUser.id),
	ip: '127.0.0.1',
	userAgent: 'vitest'
};

const csv = (...lines: string[]) => lines.join('\n') + '\n';
const HEADER = 'email,name,title,department,manager_email,status';

async function countUsers(): Promise<number> {
	const row = await db
		.selectFrom('users')
		.select((eb) => eb.fn.countAll<number>().as('n'))
		.executeTakeFirstOrThrow();
	return Number(row.n);
}

async function personByEmail(email: string) {
	return db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
}

/** The audit entries for people, after the event `afterId`, oldest first. */
async function personAudit(afterId: number) {
	return db
		.selectFrom('auditEvent')
		.select(['id', 'action', 'objectType', 'objectId', 'actorId', 'details'])
		.where('action', 'like', 'person.%')
		.where('id', '>', afterId)
		.orderBy('id')
		.execute();
}

async function lastAuditId(): Promise<number> {
	const row = await db
		.selectFrom('auditEvent')
		.select((eb) => eb.fn.max('id').as('id'))
		.executeTakeFirstOrThrow();
	return Number(row.id ?? 0);
}

async function importAudit() {
	return db
		.selectFrom('auditEvent')
		.selectAll()
		.where('action', '=', 'people.import')
		.orderBy('id')
		.execute();
}

describe('previewStaffImport', () => {
	it('lists who would be created, updated (with the changes) and left unchanged', async () => {
		const changing = await newUser(db, {
			email: 'changing@preview.test',
			name: 'Old Name',
			title: 'Clerk',
			departmentId: parks.id
		});
		await newUser(db, {
			email: 'steady@preview.test',
			name: 'Steady Person',
			title: 'Officer',
			departmentId: parks.id
		});
		const before = await countUsers();

		const plan = await previewStaffImport(
			admin,
			csv(
				HEADER,
				'new.one@preview.test,New One,Gardener,parks,later.boss@preview.test,active',
				'Changing@Preview.test,New Name,Clerk,Finance,,',
				'steady@preview.test,Steady Person,Officer,parks,,active',
				'later.boss@preview.test,Later Boss,Head of Parks,parks,,'
			)
		);

		expect(plan.errors).toEqual([]);
		expect(plan.counts).toEqual({ create: 2, update: 1, unchanged: 1 });
		expect(plan.rows.map((r) => [r.row, r.email, r.action])).toEqual([
			[2, 'new.one@preview.test', 'create'],
			[3, 'changing@preview.test', 'update'],
			[4, 'steady@preview.test', 'unchanged'],
			[5, 'later.boss@preview.test', 'create']
		]);
		expect(plan.rows[1]!.changes).toEqual({
			name: { from: 'Old Name', to: 'New Name' },
			departmentSlug: { from: 'parks', to: 'finance' }
		});
		expect(plan.rows[2]!.changes).toEqual({});
		// A dry run writes nothing.
		expect(await countUsers()).toBe(before);
		expect((await personByEmail('changing@preview.test'))!.name).toBe('Old Name');
		expect(changing.name).toBe('Old Name');
	});

	it('names the file line and column of every invalid value', async () => {
		await newUser(db, { email: 'existing.manager@preview.test', departmentId: parks.id });
		const plan = await previewStaffImport(
			admin,
			csv(
				HEADER,
				'not-an-email,Bad Email,,parks,,', // 2
				'no.name@preview.test,,,parks,,', // 3
				'no.dept@preview.test,No Dept,,atlantis,,', // 4
				'no.manager@preview.test,No Manager,,parks,ghost@preview.test,', // 5
				'dup@preview.test,First Copy,,parks,existing.manager@preview.test,', // 6
				'',
				'DUP@preview.test,Second Copy,,parks,,', // 8 (line 7 is empty)
				'bad.status@preview.test,Bad Status,,parks,,retired', // 9
				'bad.manager@preview.test,Bad Manager,,parks,not-an-email,' // 10
			)
		);
		const found = plan.errors.map((e) => [e.row, e.column]);
		expect(found).toEqual([
			[2, 'email'],
			[3, 'name'],
			[4, 'department'],
			[5, 'manager_email'],
			[8, 'email'],
			[9, 'status'],
			[10, 'manager_email']
		]);
		const message = (row: number) => plan.errors.find((e) => e.row === row)!.message;
		expect(message(2)).toMatch(/valid email/);
		expect(message(3)).toMatch(/name is empty/);
		expect(message(4)).toContain('atlantis');
		expect(message(5)).toContain('ghost@preview.test');
		expect(message(8)).toMatch(/already appears on row 6/);
		// The cell's own explanation, not a generic "Invalid input".
		expect(message(9)).toMatch(/active.*deactivated/);
		expect(message(10)).toMatch(/valid email/);
		// The valid row is still planned, so the preview shows everything at once.
		expect(plan.rows.map((r) => r.email)).toEqual(['dup@preview.test']);
	});

	it('refuses deactivating your own account, as a manual deactivation does, and writes nothing', async () => {
		const file = csv(HEADER, `admin@import.test,${adminUser.name},,finance,,deactivated`);
		const plan = await previewStaffImport(admin, file);
		expect(plan.errors).toEqual([
			{
				row: 2,
				column: 'status',
				message: 'You cannot deactivate your own account. Ask another administrator.'
			}
		]);
		await expect(applyStaffImport(admin, file)).rejects.toThrow(ValidationError);
		expect((await personByEmail('admin@import.test'))!.status).toBe('active');
	});

	it('refuses an unknown column, naming it', async () => {
		const plan = await previewStaffImport(
			admin,
			csv('email,name,department,shoe_size', 'a@preview.test,A,parks,42')
		);
		expect(plan.errors).toHaveLength(1);
		expect(plan.errors[0]).toMatchObject({ row: 1 });
		expect(plan.errors[0]!.message).toContain('shoe_size');
		expect(plan.rows).toEqual([]);
	});

	it('refuses a file without a required column, naming the column', async () => {
		const plan = await previewStaffImport(
			admin,
			csv('email,title,department', 'a@preview.test,Officer,parks')
		);
		expect(plan.errors).toEqual([
			{ row: 1, column: 'name', message: expect.stringContaining('name') }
		]);
	});

	it('accepts any header order, case and a byte-order mark, and departments by name', async () => {
		const plan = await previewStaffImport(
			admin,
			'\uFEFFDepartment,Name,EMAIL\r\nparks and gardens,Ordered Person,ordered@preview.test\r\n'
		);
		expect(plan.errors).toEqual([]);
		expect(plan.rows).toMatchObject([{ row: 2, email: 'ordered@preview.test', action: 'create' }]);
	});

	it('refuses a person as their own manager', async () => {
		const plan = await previewStaffImport(
			admin,
			csv(HEADER, 'self@preview.test,Self,,parks,self@preview.test,')
		);
		expect(plan.errors).toMatchObject([{ row: 2, column: 'manager_email' }]);
	});

	it('refuses a loop of managers within the file', async () => {
		const plan = await previewStaffImport(
			admin,
			csv(
				HEADER,
				'loop.a@preview.test,Loop A,,parks,loop.b@preview.test,',
				'loop.b@preview.test,Loop B,,parks,loop.a@preview.test,'
			)
		);
		expect(plan.errors.map((e) => e.column)).toContain('manager_email');
	});

	it('refuses a loop of managers that runs through people the file does not mention', async () => {
		const boss = await newUser(db, { email: 'loop.boss@preview.test', departmentId: parks.id });
		const middle = await newUser(db, {
			email: 'loop.middle@preview.test',
			departmentId: parks.id,
			managerId: boss.id
		});
		await newUser(db, {
			email: 'loop.report@preview.test',
			departmentId: parks.id,
			managerId: middle.id
		});
		// The boss would report to someone who (through the middle manager) reports to the boss.
		const plan = await previewStaffImport(
			admin,
			csv(HEADER, 'loop.boss@preview.test,Loop Boss,,parks,loop.report@preview.test,')
		);
		expect(plan.errors).toMatchObject([
			{ row: 2, column: 'manager_email', message: expect.stringMatching(/loop of managers/) }
		]);
	});

	it('leaves fields alone whose optional column the file does not have', async () => {
		await newUser(db, {
			email: 'leaver@preview.test',
			name: 'Leaver',
			title: 'Senior Planner',
			departmentId: parks.id,
			status: 'deactivated'
		});
		const plan = await previewStaffImport(
			admin,
			csv('email,name,department', 'leaver@preview.test,Leaver,parks')
		);
		expect(plan.errors).toEqual([]);
		// No title column is not "blank every title"; no status column is not "reactivate everyone".
		expect(plan.rows.map((r) => r.email)).toEqual(['leaver@preview.test']);
		expect(plan.rows[0]!.changes).toEqual({});
		expect(plan.rows[0]!.action).toBe('unchanged');
	});
});

describe('applyStaffImport', () => {
	it('writes nothing when any row is invalid', async () => {
		const before = await countUsers();
		const audits = (await importAudit()).length;
		const error = await applyStaffImport(
			admin,
			csv(
				HEADER,
				'fine.one@apply.test,Fine One,,parks,,',
				'fine.two@apply.test,Fine Two,,parks,,',
				'broken@apply.test,Broken,,nowhere,,'
			)
		).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(ValidationError);
		expect((error as Error).message).toMatch(/1 invalid value; nothing was imported/);
		expect(await countUsers()).toBe(before);
		expect(await personByEmail('fine.one@apply.test')).toBeUndefined();
		expect(await importAudit()).toHaveLength(audits);
	});

	it('creates and updates people, resolving managers defined later in the file, and audits it', async () => {
		const existingBoss = await newUser(db, {
			email: 'existing.boss@apply.test',
			name: 'Existing Boss',
			departmentId: finance.id
		});
		await newUser(db, {
			email: 'mover@apply.test',
			name: 'Mover',
			title: 'Clerk',
			departmentId: parks.id
		});
		const before = await countUsers();
		const auditedBefore = await lastAuditId();

		const counts = await applyStaffImport(
			admin,
			csv(
				HEADER,
				'report@apply.test,Report Person,Gardener,parks,new.boss@apply.test,',
				'mover@apply.test,Mover,Senior Clerk,finance,existing.boss@apply.test,',
				'new.boss@apply.test,New Boss,Head of Parks,parks,existing.boss@apply.test,active'
			)
		);
		expect(counts).toEqual({ create: 2, update: 1, unchanged: 0 });
		expect(await countUsers()).toBe(before + 2);

		const report = await personByEmail('report@apply.test');
		const newBoss = await personByEmail('new.boss@apply.test');
		const mover = await personByEmail('mover@apply.test');
		expect(report).toMatchObject({
			name: 'Report Person',
			title: 'Gardener',
			departmentId: parks.id,
			managerId: newBoss!.id,
			status: 'active'
		});
		expect(newBoss).toMatchObject({ managerId: existingBoss.id, departmentId: parks.id });
		expect(mover).toMatchObject({
			title: 'Senior Clerk',
			departmentId: finance.id,
			managerId: existingBoss.id
		});
		expect(await listManagerChain(db, report!.id)).toEqual([newBoss!.id, existingBoss.id]);

		const audit = (await importAudit()).at(-1)!;
		expect(audit).toMatchObject({
			actorId: adminUser.id,
			outcome: 'success',
			objectType: 'import',
			details: { create: 2, update: 1, unchanged: 0, deactivated: 0 }
		});
		// And each person, as when an administrator changes them by hand: who, and what changed.
		const perPerson = await personAudit(auditedBefore);
		expect(perPerson.every((e) => e.actorId === adminUser.id && e.objectType === 'user')).toBe(
			true
		);
		expect(
			perPerson
				.map((e) => [e.action, Number(e.objectId)])
				.sort((a, b) => Number(a[1]) - Number(b[1]))
		).toEqual(
			[
				['person.update', mover!.id],
				['person.create', report!.id],
				['person.create', newBoss!.id]
			].sort((a, b) => Number(a[1]) - Number(b[1]))
		);
		expect(perPerson.find((e) => Number(e.objectId) === report!.id)!.details).toEqual({
			email: 'report@apply.test',
			departmentId: parks.id,
			managerId: newBoss!.id,
			via: 'import'
		});
		expect(perPerson.find((e) => Number(e.objectId) === mover!.id)!.details).toEqual({
			changes: {
				title: { from: 'Clerk', to: 'Senior Clerk' },
				departmentId: { from: parks.id, to: finance.id },
				managerId: { from: null, to: existingBoss.id }
			},
			via: 'import'
		});

		// Applying the same file again changes nothing.
		const again = await previewStaffImport(
			admin,
			csv(
				HEADER,
				'report@apply.test,Report Person,Gardener,parks,new.boss@apply.test,',
				'mover@apply.test,Mover,Senior Clerk,finance,existing.boss@apply.test,',
				'new.boss@apply.test,New Boss,Head of Parks,parks,existing.boss@apply.test,active'
			)
		);
		expect(again.counts).toEqual({ create: 0, update: 0, unchanged: 3 });
	});

	it('deactivates people through the status column and ends their sessions', async () => {
		const leaving = await newUser(db, {
			email: 'leaving@apply.test',
			name: 'Leaving Person',
			title: 'Officer',
			departmentId: parks.id
		});
		const staying = await newUser(db, {
			email: 'staying@apply.test',
			name: 'Staying Person',
			title: 'Officer',
			departmentId: parks.id
		});
		await sessionTokenFor(db, leaving.id);
		await sessionTokenFor(db, leaving.id);
		await sessionTokenFor(db, staying.id);
		const auditedBefore = await lastAuditId();

		const counts = await applyStaffImport(
			admin,
			csv(
				HEADER,
				'leaving@apply.test,Leaving Person,Officer,parks,,deactivated',
				'staying@apply.test,Staying Person,Officer,parks,,active'
			)
		);
		expect(counts).toEqual({ create: 0, update: 1, unchanged: 1 });
		const after = await personByEmail('leaving@apply.test');
		expect(after!.status).toBe('deactivated');
		expect(after!.deactivatedAt).toBeInstanceOf(Date);
		const sessions = await db
			.selectFrom('session')
			.select('userId')
			.where('userId', 'in', [leaving.id, staying.id])
			.execute();
		expect(sessions.map((s) => s.userId)).toEqual([staying.id]);
		expect(await loadActor(db, leaving.id)).toBeNull();
		expect((await importAudit()).at(-1)!.details).toMatchObject({ deactivated: 1 });
		expect(await personAudit(auditedBefore)).toMatchObject([
			{
				action: 'person.deactivate',
				objectId: String(leaving.id),
				details: {
					changes: { status: { from: 'active', to: 'deactivated' } },
					sessionsEnded: 2,
					via: 'import'
				}
			}
		]);
	});

	it('refuses a non-administrator, for the preview and the apply, and records both refusals', async () => {
		const clerk = await newUser(db, { departmentId: parks.id });
		const ctx: RequestContext = {
			actor: await loadActor(db, clerk.id),
			ip: '127.0.0.1',
			userAgent: 'vitest'
		};
		const file = csv(HEADER, 'sneaky@apply.test,Sneaky,,parks,,');
		const before = await countUsers();
		await expect(previewStaffImport(ctx, file)).rejects.toBeInstanceOf(ForbiddenError);
		await expect(applyStaffImport(ctx, file)).rejects.toBeInstanceOf(ForbiddenError);
		expect(await countUsers()).toBe(before);

		const denied = (await importAudit()).filter((r) => r.actorId === clerk.id);
		expect(denied.map((r) => [r.outcome, r.objectType, r.objectId])).toEqual([
			['denied', 'import', 'preview'],
			['denied', 'import', 'apply']
		]);
	});
});
