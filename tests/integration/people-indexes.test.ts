/**
 * The directory's name search reads people through indexes, whatever is typed: a name, a job
 * title, a department's name or a misspelling. People are few in tests, so the planner would
 * rightly scan them; sequential and plain index scans are priced out here (`enable_seqscan`
 * and `enable_indexscan` off: the planner still scans the table when no index condition applies,
 * and would otherwise walk a whole index instead), so the plan must OR the indexes' matches. Before the department name became a list of ids, the OR across the join forced such a
 * scan (55 ms a search for 20,000 people in the day benchmark).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { searchActivePeople } from '../../src/lib/server/org/person.repository.ts';
import { newDepartment, newUser } from '../factories.ts';
import { createTestDatabase } from './database.ts';
import { watchedDatabase } from './query-plans.ts';

const { db, url } = await createTestDatabase();
const finance = await newDepartment(db, { slug: 'finance', name: 'Finance' });
const roads = await newDepartment(db, { slug: 'roads', name: 'Roads and Bridges' });
await newUser(db, { departmentId: finance.id, name: 'Annika Berg', title: 'Accountant' });
await newUser(db, { departmentId: roads.id, name: 'Tomasz Nowak', title: 'Bridge engineer' });

/** Runs the repository's statements on one connection and keeps the last one sent. */
const { db: watched, planOfLast } = watchedDatabase(
	url,
	"set time zone 'UTC'; set enable_seqscan = off; set enable_indexscan = off"
);
afterAll(() => watched.destroy());

describe('the directory search', () => {
	for (const [query, expected] of [
		['annika', 'Annika Berg'],
		['engineer', 'Tomasz Nowak'],
		['finance', 'Annika Berg'],
		['roads and', 'Tomasz Nowak'],
		['anika berg', 'Annika Berg']
	] as const) {
		it(`finds “${query}” through indexes`, async () => {
			const found = await searchActivePeople(watched, { query }, 50);
			expect(found.map((p) => p.name)).toContain(expected);
			const plan = await planOfLast();
			expect(plan).not.toMatch(/Seq Scan on users/);
			expect(plan).toMatch(/Bitmap Index Scan on users_/);
		});
	}
});
