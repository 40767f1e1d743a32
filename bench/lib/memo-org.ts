/**
 * The organisation of the memo benchmark (bench/memo-publish.ts, bench/memo-explain.ts): one
 * root, 19 directorates and the rest units under them, `people` people spread evenly over the
 * departments, an administrator who issues, and a draft memo to the whole organisation.
 */
import { sql } from 'kysely';
import type { Database } from '../../src/lib/server/db/index.ts';
import { loadActor } from '../../src/lib/server/org/actor.ts';
import { createMemoDraft } from '../../src/lib/server/memos/memo.service.ts';
import { memoDraftSchema } from '../../src/lib/shared/schemas/memos.ts';

export async function seedMemoOrganisation(db: Database, people: number, departments: number) {
	await sql`insert into department (slug, name) values ('root', 'Agency')`.execute(db);
	await sql`
		insert into department (slug, name, parent_id)
		select 'dir-' || g, 'Directorate ' || g, (select id from department where slug = 'root')
		from generate_series(1, 19) g
	`.execute(db);
	await sql`
		insert into department (slug, name, parent_id)
		select 'unit-' || g, 'Unit ' || g, (select id from department where slug = 'dir-' || (1 + g % 19))
		from generate_series(1, ${departments - 20}) g
	`.execute(db);
	await sql`
		insert into users (email, name, department_id)
		select 'p' || g || '@bench.test', 'Person ' || g,
			(select id from department order by id offset (g % ${departments}) limit 1)
		from generate_series(1, ${people}) g
	`.execute(db);
	const admin = await db
		.selectFrom('users')
		.select(['id', 'departmentId'])
		.orderBy('id')
		.limit(1)
		.executeTakeFirstOrThrow();
	await db
		.insertInto('roleAssignment')
		.values({ userId: admin.id, roleKey: 'admin', departmentId: null })
		.execute();
	await sql`analyze`.execute(db);
	const ctx = { actor: await loadActor(db, admin.id), ip: '127.0.0.1', userAgent: 'bench' };
	return { ctx, adminDepartmentId: admin.departmentId };
}

/** A draft to the whole organisation, due far ahead, ready to publish. */
export async function createBenchDraft(
	ctx: Awaited<ReturnType<typeof seedMemoOrganisation>>['ctx'],
	issuingDepartmentId: number,
	title = 'Bench policy'
) {
	return createMemoDraft(
		ctx,
		memoDraftSchema.parse({
			title,
			body: '# Policy\n\nRead me.\n',
			category: 'policy',
			issuingDepartmentId,
			dueOn: '2099-01-01',
			audience: [{ kind: 'organisation' }]
		})
	);
}

/** The request contexts of `count` people after the administrator, in id order. */
export async function peopleContexts(db: Database, count: number, skip = 0) {
	const people = await db
		.selectFrom('users')
		.select('id')
		.orderBy('id')
		.offset(1 + skip)
		.limit(count)
		.execute();
	return Promise.all(
		people.map(async (p) => ({
			actor: await loadActor(db, p.id),
			ip: '10.0.0.1',
			userAgent: 'bench'
		}))
	);
}
