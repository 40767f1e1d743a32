/**
 * `node bench/memo-publish.ts [people] [departments]`: publish time of a memo to the whole
 * organisation (default 50,000 people across 200 departments), the report with its roll-up
 * (p50/p95 over 50 reads), and acknowledgements 20 at a time (p50/p99 latency, throughput).
 * Runs the services directly on a scratch embedded PostgreSQL; prints numbers, never fails on
 * a timing (see README: compare numbers from the same machine only).
 */
import { sql } from 'kysely';
import { createDb, useDatabaseForTests } from '../src/lib/server/db/index.ts';
import { ensureDatabase } from '../src/lib/server/db/embedded.ts';
import { migrateToLatest } from '../src/lib/server/db/migrate.ts';
import { startScratchPostgres } from '../src/lib/server/db/scratch.ts';
import { loadActor } from '../src/lib/server/org/actor.ts';
import { acknowledgeMemo } from '../src/lib/server/memos/memo-ack.service.ts';
import { createMemoDraft } from '../src/lib/server/memos/memo.service.ts';
import { publishMemo } from '../src/lib/server/memos/memo-publish.service.ts';
import { getMemoReport } from '../src/lib/server/memos/memo-report.service.ts';
import { memoDraftSchema } from '../src/lib/shared/schemas/memos.ts';

const PEOPLE = Number(process.argv[2] ?? 50_000);
const DEPARTMENTS = Number(process.argv[3] ?? 200);
const pct = (xs: number[], p: number) =>
	[...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;

const server = await startScratchPostgres();
try {
	await ensureDatabase(server.urlFor('postgres'), 'bench');
	const url = server.urlFor('bench');
	const db = createDb(url, 20);
	await migrateToLatest(db);
	useDatabaseForTests(db, url);

	// 200 departments: one root, 19 directorates, the rest units under them.
	await sql`insert into department (slug, name) values ('root', 'Agency')`.execute(db);
	await sql`
		insert into department (slug, name, parent_id)
		select 'dir-' || g, 'Directorate ' || g, (select id from department where slug = 'root')
		from generate_series(1, 19) g
	`.execute(db);
	await sql`
		insert into department (slug, name, parent_id)
		select 'unit-' || g, 'Unit ' || g, (select id from department where slug = 'dir-' || (1 + g % 19))
		from generate_series(1, ${DEPARTMENTS - 20}) g
	`.execute(db);
	await sql`
		insert into users (email, name, department_id)
		select 'p' || g || '@bench.test', 'Person ' || g,
			(select id from department order by id offset (g % ${DEPARTMENTS}) limit 1)
		from generate_series(1, ${PEOPLE}) g
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

	const draft = await createMemoDraft(
		ctx,
		memoDraftSchema.parse({
			title: 'Bench policy',
			body: '# Policy\n\nRead me.\n',
			category: 'policy',
			issuingDepartmentId: admin.departmentId,
			dueOn: '2099-01-01',
			audience: [{ kind: 'organisation' }]
		})
	);
	let t = performance.now();
	await publishMemo(ctx, draft.id, { publishAt: null });
	const publishMs = performance.now() - t;
	console.log(
		`publish to ${PEOPLE.toLocaleString('en')} people in ${DEPARTMENTS} departments: ${publishMs.toFixed(0)} ms`
	);

	const reportMs: number[] = [];
	for (let i = 0; i < 50; i++) {
		t = performance.now();
		await getMemoReport(ctx, draft.id);
		reportMs.push(performance.now() - t);
	}
	console.log(
		`report with roll-up: p50 ${pct(reportMs, 50).toFixed(1)} ms, p95 ${pct(reportMs, 95).toFixed(1)} ms`
	);

	const people = await db
		.selectFrom('users')
		.select('id')
		.orderBy('id')
		.offset(1)
		.limit(2000)
		.execute();
	const contexts = await Promise.all(
		people.map(async (p) => ({
			actor: await loadActor(db, p.id),
			ip: '10.0.0.1',
			userAgent: 'bench'
		}))
	);
	const ackMs: number[] = [];
	const start = performance.now();
	for (let i = 0; i < contexts.length; i += 20) {
		await Promise.all(
			contexts.slice(i, i + 20).map(async (c) => {
				const s = performance.now();
				await acknowledgeMemo(c, draft.id, { version: 1, attested: false, answer: null });
				ackMs.push(performance.now() - s);
			})
		);
	}
	const seconds = (performance.now() - start) / 1000;
	const stored = await db
		.selectFrom('memoAcknowledgement')
		.select((eb) => eb.fn.countAll<number>().as('n'))
		.executeTakeFirstOrThrow();
	console.log(
		`${ackMs.length} acknowledgements, 20 concurrent: ${(ackMs.length / seconds).toFixed(0)}/s, p50 ${pct(ackMs, 50).toFixed(1)} ms, p99 ${pct(ackMs, 99).toFixed(1)} ms, stored ${stored.n}`
	);
	await db.destroy();
} finally {
	await server.stop();
}
