import { describe, expect, it } from 'vitest';
import { loadActor } from '../../src/lib/server/org/actor.ts';
import { forgetDepartmentRefs } from '../../src/lib/server/org/department.repository.ts';
import {
	listDirectory,
	departmentTree,
	listVisibleDepartments
} from '../../src/lib/server/org/directory.service.ts';
import { getProfile } from '../../src/lib/server/org/profile.service.ts';
import { GET as getDepartments } from '../../src/routes/api/v1/departments/+server.ts';
import { fakeEvent } from './fuzz-support.ts';
import { contextFor, newDepartment, newUser } from '../factories.ts';
import { createTestDatabase } from './database.ts';

const { db } = await createTestDatabase();

const viewer = await newUser(db, { name: 'Viewer' });
const ctx = { actor: await loadActor(db, viewer.id), ip: null, userAgent: null };

const created: number[] = [];

describe('people directory', () => {
	it('pages through everyone once, in name order, across equal names', async () => {
		const dept = await newDepartment(db);
		created.push(viewer.id);
		// 120 people sharing three names: the keyset must break ties on id.
		for (let i = 0; i < 120; i++) {
			const user = await newUser(db, { departmentId: dept.id, name: ['Ana', 'Bo', 'Cy'][i % 3]! });
			created.push(user.id);
		}
		await newUser(db, { departmentId: dept.id, name: 'Zed Gone', status: 'deactivated' });

		const seen: { id: number; name: string }[] = [];
		let cursor: string | null = null;
		let pages = 0;
		do {
			const page: Awaited<ReturnType<typeof listDirectory>> = await listDirectory(ctx, { cursor });
			seen.push(...page.people);
			cursor = page.nextCursor;
			pages++;
		} while (cursor && pages < 10);

		expect(pages).toBe(3);
		expect(seen.map((p) => p.id).sort((a, b) => a - b)).toEqual(created.sort((a, b) => a - b));
		const order = seen.map((p) => `${p.name}:${String(p.id).padStart(8, '0')}`);
		expect(order).toEqual([...order].sort());
	});

	it('treats a garbled cursor as the first page', async () => {
		const first = await listDirectory(ctx, {});
		expect((await listDirectory(ctx, { cursor: 'not-a-cursor' })).people).toEqual(first.people);
	});

	it('matches an apostrophe with any apostrophe', async () => {
		const liam = await newUser(db, { name: 'Liam O’Cuinn' });
		for (const query of ["O'Cu", 'O’Cu', 'Oʼcuinn']) {
			const found = await listDirectory(ctx, { query });
			expect(
				found.people.map((p) => p.id),
				query
			).toContain(liam.id);
		}
	});

	it('finds people by name, title or department, forgiving a typo', async () => {
		const dept = await newDepartment(db, { name: 'Procurement Office' });
		const buyer = await newUser(db, {
			departmentId: dept.id,
			name: 'Wilhelmina Stroud',
			title: 'Contracts buyer'
		});
		for (const query of ['Wilhelmina', 'contracts buy', 'procurement off', 'Wilhelmena Stroud']) {
			const { people } = await listDirectory(ctx, { query });
			expect(
				people.map((p) => p.id),
				query
			).toContain(buyer.id);
		}
		expect((await listDirectory(ctx, { query: '%' })).people.map((p) => p.id)).not.toContain(
			buyer.id
		);
	});

	it('lists people of a members-only department to its members only, also in search', async () => {
		const secret = await newDepartment(db, { name: 'Sealed Unit', visibility: 'members-only' });
		const inner = await newDepartment(db, { name: 'Sealed Cell', parentId: secret.id });
		const insider = await newUser(db, { departmentId: inner.id, name: 'Quentin Hidden' });
		const insiderCtx = { actor: await loadActor(db, insider.id), ip: null, userAgent: null };

		expect((await listDirectory(ctx, { query: 'Quentin' })).people).toHaveLength(0);
		expect((await listDirectory(insiderCtx, { query: 'Quentin' })).people.map((p) => p.id)).toEqual(
			[insider.id]
		);
		const everyone = async (c: typeof ctx) => {
			const ids: number[] = [];
			let cursor: string | null = null;
			do {
				const page: Awaited<ReturnType<typeof listDirectory>> = await listDirectory(c, { cursor });
				ids.push(...page.people.map((p) => p.id));
				cursor = page.nextCursor;
			} while (cursor);
			return ids;
		};
		expect(await everyone(ctx)).not.toContain(insider.id);
		expect(await everyone(insiderCtx)).toContain(insider.id);
	});
});

describe('profiles', () => {
	it('never show a manager or a direct report in a members-only department to outsiders', async () => {
		const open = await newDepartment(db, { name: 'Legal Open' });
		const sealed = await newDepartment(db, {
			name: 'Investigations Sealed',
			visibility: 'members-only'
		});
		const counsel = await newUser(db, { departmentId: open.id, name: 'Counsel Open' });
		const investigator = await newUser(db, {
			departmentId: sealed.id,
			name: 'Ida Investigator',
			managerId: counsel.id
		});
		const colleague = await newUser(db, {
			departmentId: open.id,
			name: 'Colin Colleague',
			managerId: investigator.id
		});
		await newUser(db, { departmentId: open.id, name: 'Olive Open', managerId: counsel.id });
		const outsider = await contextFor(db, viewer.id);
		const insider = await contextFor(db, investigator.id);

		const counselSeenOutside = await getProfile(outsider, counsel.id);
		expect(counselSeenOutside.reports.map((r) => r.name)).toEqual(['Olive Open']);
		const colleagueSeenOutside = await getProfile(outsider, colleague.id);
		expect(colleagueSeenOutside.person).toMatchObject({ managerId: null, managerName: null });

		expect((await getProfile(insider, counsel.id)).reports.map((r) => r.name)).toEqual([
			'Ida Investigator',
			'Olive Open'
		]);
		expect((await getProfile(insider, colleague.id)).person.managerName).toBe('Ida Investigator');
	});
});

describe('department tree', () => {
	it('nests sub-departments and hides members-only departments from everyone but their members', async () => {
		const root = await newDepartment(db, { name: 'Root' });
		const child = await newDepartment(db, { name: 'Child', parentId: root.id });
		const secret = await newDepartment(db, {
			name: 'Secret',
			parentId: root.id,
			visibility: 'members-only'
		});
		const outsider = await newUser(db, { departmentId: child.id });
		const member = await newUser(db, { departmentId: secret.id });

		const tree = await departmentTree(await contextFor(db, outsider.id));
		const found = tree.find((n) => n.id === root.id);
		expect(found?.children.map((c) => c.name)).toEqual(['Child']);
		expect(found?.children[0]?.memberCount).toBe(1);
		// Its own members find it (the departments directory, the knowledge spaces).
		const theirs = await departmentTree(await contextFor(db, member.id));
		expect(theirs.find((n) => n.id === root.id)?.children.map((c) => c.name)).toEqual([
			'Child',
			'Secret'
		]);
	});
});

describe('the list of departments a viewer may see', () => {
	it('is in tree order with depths, and leaves out members-only departments for outsiders', async () => {
		const top = await newDepartment(db, { name: 'Aardvark Agency' });
		const middle = await newDepartment(db, { name: 'Zebra Works', parentId: top.id });
		const leaf = await newDepartment(db, { name: 'Bison Roads', parentId: middle.id });
		const sibling = await newDepartment(db, { name: 'Yak Parks', parentId: top.id });
		const sealed = await newDepartment(db, {
			name: 'Moose Inquiries',
			parentId: top.id,
			visibility: 'members-only'
		});
		const sealedChild = await newDepartment(db, { name: 'Moose Cell', parentId: sealed.id });
		const insider = await newUser(db, { departmentId: sealedChild.id, name: 'Ines Insider' });
		const insiderCtx = await contextFor(db, insider.id);
		// What a person may not see is read with them, at the start of each request.
		const outsiderCtx = await contextFor(db, viewer.id);
		forgetDepartmentRefs();

		const outsiders = await listVisibleDepartments(outsiderCtx);
		const ours = new Set([top.id, middle.id, leaf.id, sibling.id, sealed.id, sealedChild.id]);
		expect(
			outsiders.departments.filter((d) => ours.has(d.id)).map((d) => [d.name, d.depth])
		).toEqual([
			['Aardvark Agency', 0],
			['Yak Parks', 1],
			['Zebra Works', 1],
			['Bison Roads', 2]
		]);
		expect(outsiders.departments.find((d) => d.id === leaf.id)).toEqual({
			id: leaf.id,
			slug: leaf.slug,
			name: 'Bison Roads',
			parentId: middle.id,
			depth: 2
		});

		const insiders = await listVisibleDepartments(insiderCtx);
		expect(insiders.departments.filter((d) => ours.has(d.id)).map((d) => d.name)).toEqual([
			'Aardvark Agency',
			'Moose Inquiries',
			'Moose Cell',
			'Yak Parks',
			'Zebra Works',
			'Bison Roads'
		]);
		// Two lists, two versions; the same viewer asking again gets the list already built.
		expect(insiders.version).not.toBe(outsiders.version);
		expect(await listVisibleDepartments(outsiderCtx)).toBe(outsiders);
	});

	it('changes its version when a department is added', async () => {
		const before = await listVisibleDepartments(ctx);
		await newDepartment(db, { name: 'Newt Office' });
		forgetDepartmentRefs();
		const after = await listVisibleDepartments(ctx);
		expect(after.version).not.toBe(before.version);
		expect(after.departments.map((d) => d.name)).toContain('Newt Office');
	});

	it('may be kept by the browser for a day when asked for by its current version only', async () => {
		const { departments, version } = await listVisibleDepartments(ctx);
		const ask = (query: string) =>
			getDepartments(
				fakeEvent({
					url: new URL(`/api/v1/departments${query}`, 'http://commons.test'),
					method: 'GET',
					params: {},
					actor: ctx.actor!
				}) as never
			);
		const current = await ask(`?v=${version}`);
		expect(current.status).toBe(200);
		expect(current.headers.get('cache-control')).toBe('private, max-age=86400');
		expect(await current.json()).toEqual({ departments, version });
		for (const query of ['', '?v=stale', `?v=${version}x`]) {
			const response = await ask(query);
			expect(response.headers.get('cache-control'), query).toBe('private, no-cache');
			expect((await response.json()).version).toBe(version);
		}
	});
});
