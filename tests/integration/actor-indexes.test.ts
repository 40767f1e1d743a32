/**
 * The departments hidden from a person are read with every request's session (the actor query),
 * so that query must not read the whole department table: at 3,000 departments it did, twice
 * (1.1 ms a request, 0.96 of it there). Here 3,000 departments in a tree five levels deep, 2.5%
 * of them members-only: the plan reads department through its indexes only, and the answer is
 * the one worked out from the tree.
 */
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { getActorRow } from '../../src/lib/server/org/actor.repository.ts';
import { listHiddenDepartmentIds } from '../../src/lib/server/org/department.repository.ts';
import { grantRole, newUser } from '../factories.ts';
import { createTestDatabase } from './database.ts';
import { watchedDatabase } from './query-plans.ts';

const { db, url } = await createTestDatabase();

// Department k (1-based in this batch) hangs under department ceil(k / 8) - 1 of the batch, so
// the tree is five levels deep; every 40th is members-only.
const { rows: created } = await sql<{ id: number; parentId: number | null; visibility: string }>`
	insert into department (slug, name, visibility)
	select 'scale-' || k, 'Scale ' || k, case when k % 40 = 0 then 'members-only' else 'organisation' end
	from generate_series(1, 3000) as k
	returning id, parent_id, visibility
`.execute(db);
const ids = created.map((d) => Number(d.id));
await sql`
	update department d set parent_id = p.id
	from (select id, row_number() over (order by id) as k from department where slug like 'scale-%') c
	join (select id, row_number() over (order by id) as k from department where slug like 'scale-%') p
		on p.k = ceil(c.k / 8.0) - 1
	where d.id = c.id and c.k > 8
`.execute(db);
await sql`analyze department`.execute(db);

const tree = await db.selectFrom('department').select(['id', 'parentId', 'visibility']).execute();
const children = new Map<number, number[]>();
for (const d of tree)
	if (d.parentId !== null) children.set(d.parentId, [...(children.get(d.parentId) ?? []), d.id]);

/** Members-only departments outside `path`, with everything below them, worked out here. */
function expectedHidden(path: number[]): number[] {
	const hidden = new Set<number>();
	const visit = (id: number) => {
		hidden.add(id);
		for (const child of children.get(id) ?? []) visit(child);
	};
	for (const d of tree) if (d.visibility === 'members-only' && !path.includes(d.id)) visit(d.id);
	return [...hidden].sort((a, b) => a - b);
}

// A person deep in a members-only branch, who also manages a department near the top.
const membersOnly = tree.filter((d) => d.visibility === 'members-only' && d.parentId !== null);
const home = (children.get(membersOnly.at(-1)!.id) ?? [])[0] ?? membersOnly.at(-1)!.id;
const person = await newUser(db, { departmentId: home });
await grantRole(db, person.id, 'manager', ids[3]!);

const { db: watched, planOfLast } = watchedDatabase(url);
afterAll(() => watched.destroy());

describe('the departments hidden from a person, at 3,000 departments', () => {
	it('are read with the session through indexes, and are the right ones', async () => {
		const row = (await getActorRow(watched, person.id))!;
		expect(await planOfLast()).not.toMatch(/Seq Scan on department/);
		expect(row.departmentPath.map(Number)).toContain(home);
		expect(row.hiddenDepartmentIds.map(Number).sort((a, b) => a - b)).toEqual(
			expectedHidden(row.departmentPath.map(Number))
		);
		// The departments they manage, with everything below.
		const below = (id: number): number[] => [id, ...(children.get(id) ?? []).flatMap(below)];
		expect(row.managedDepartmentIds.map(Number).sort((a, b) => a - b)).toEqual(
			below(ids[3]!).sort((a, b) => a - b)
		);
	});

	it('are listed through indexes for a department path too', async () => {
		const hidden = await listHiddenDepartmentIds(watched, []);
		expect(await planOfLast()).not.toMatch(/Seq Scan on department/);
		expect(hidden.sort((a, b) => a - b)).toEqual(expectedHidden([]));
	});
});
