import { describe, expect, it } from 'vitest';
import { loadActor } from '../../src/lib/server/org/actor.ts';
import { listDirectory, departmentTree } from '../../src/lib/server/org/directory.service.ts';
import { newDepartment, newUser } from '../factories.ts';
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

describe('department tree', () => {
	it('nests sub-departments and hides members-only departments', async () => {
		const root = await newDepartment(db, { name: 'Root' });
		const child = await newDepartment(db, { name: 'Child', parentId: root.id });
		await newDepartment(db, { name: 'Secret', parentId: root.id, visibility: 'members-only' });
		await newUser(db, { departmentId: child.id });

		const tree = await departmentTree();
		const found = tree.find((n) => n.id === root.id);
		expect(found?.children.map((c) => c.name)).toEqual(['Child']);
		expect(found?.children[0]?.memberCount).toBe(1);
	});
});
