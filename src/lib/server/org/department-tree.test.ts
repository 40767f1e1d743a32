import { describe, expect, it } from 'vitest';
import { treeOrder } from './department-tree.ts';

describe('treeOrder', () => {
	it('puts parents before children in the given sibling order, with depths', () => {
		const d = (id: number, parentId: number | null) => ({ id, parentId });
		const ordered = treeOrder([d(1, null), d(3, 1), d(2, 1), d(4, 2), d(5, 9)]);
		expect(ordered.map((o) => [o.department.id, o.depth])).toEqual([
			[1, 0],
			[3, 1],
			[2, 1],
			[4, 2],
			// Its parent is not in the list: a tree of its own.
			[5, 0]
		]);
	});

	it('survives a cycle in bad data', () => {
		expect(
			treeOrder([
				{ id: 1, parentId: 2 },
				{ id: 2, parentId: 1 }
			])
		).toEqual([]);
	});
});
