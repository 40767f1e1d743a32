import { describe, expect, it } from 'vitest';
import { listDirectory, departmentTree } from '../../src/lib/server/org/directory.service.ts';
import { newDepartment, newUser } from '../factories.ts';
import { createTestDatabase } from './database.ts';

const { db } = await createTestDatabase();

describe('people directory', () => {
	it('pages through everyone once, in name order, across equal names', async () => {
		const dept = await newDepartment(db);
		const created: number[] = [];
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
			const page: Awaited<ReturnType<typeof listDirectory>> = await listDirectory({ cursor });
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
		const first = await listDirectory({});
		expect((await listDirectory({ cursor: 'not-a-cursor' })).people).toEqual(first.people);
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
