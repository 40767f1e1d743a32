/**
 * `node bench/memo-explain.ts [people] [departments]`: where the memo paths spend their time.
 * Builds the benchmark's organisation (default 50,000 people in 200 departments), publishes one
 * memo and acknowledges part of it, then runs each path once through the real services on a
 * pool whose sessions load `auto_explain` (every statement's `EXPLAIN (ANALYZE, BUFFERS)` plan,
 * trigger times included, comes back as a notice) and prints, per path, each statement's
 * round-trip time as the service saw it, then its plan: publishing a second memo to everyone,
 * the report (counts and roll-up), the report's list of people, a person's pending memos, the
 * issuer's desk and a person's received memos, an acknowledgement, the reminder claim and the
 * escalation claim (the last two rolled back).
 */
import { CamelCasePlugin, Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { createDb, useDatabaseForTests, type Database } from '../src/lib/server/db/index.ts';
import { ensureDatabase } from '../src/lib/server/db/embedded.ts';
import { migrateToLatest } from '../src/lib/server/db/migrate.ts';
import { startScratchPostgres } from '../src/lib/server/db/scratch.ts';
import type { DB } from '../src/lib/server/db/schema.ts';
import { acknowledgeMemo, listMyPendingMemos } from '../src/lib/server/memos/memo-ack.service.ts';
import {
	listMemosByAuthor,
	listReceivedMemos
} from '../src/lib/server/memos/memo-desk.repository.ts';
import { publishMemo } from '../src/lib/server/memos/memo-publish.service.ts';
import {
	getMemoReport,
	listMemoReportPeople
} from '../src/lib/server/memos/memo-report.service.ts';
import {
	claimDueReminders,
	escalateOverdue
} from '../src/lib/server/memos/memo-reminder.repository.ts';
import { createBenchDraft, peopleContexts, seedMemoOrganisation } from './lib/memo-org.ts';

const PEOPLE = Number(process.argv[2] ?? 50_000);
const DEPARTMENTS = Number(process.argv[3] ?? 200);

type Captured = { sql: string; ms: number };
let statements: Captured[] = [];
let plans: string[] = [];

/** A pool like the app's whose sessions send every statement's analysed plan as a notice. */
function explainingDb(url: string): Database {
	const pool = new pg.Pool({ connectionString: url, max: 4 });
	pool.on('connect', (client) => {
		client.on('notice', (notice) => {
			if (notice.message?.includes('Query Text:')) plans.push(notice.message);
		});
		// One simple query, queued before any statement of the app on this client.
		client
			.query(
				[
					"set time zone 'UTC'",
					"load 'auto_explain'",
					'set auto_explain.log_min_duration = 0',
					'set auto_explain.log_analyze = on',
					'set auto_explain.log_buffers = on',
					'set auto_explain.log_triggers = on',
					"set auto_explain.log_level = 'notice'"
				].join('; ')
			)
			.catch(() => undefined);
	});
	return new Kysely<DB>({
		dialect: new PostgresDialect({ pool }),
		plugins: [new CamelCasePlugin()],
		log(event) {
			statements.push({
				sql: event.query.sql.replace(/\s+/g, ' ').slice(0, 110),
				ms: event.queryDurationMillis
			});
		}
	});
}

async function section(title: string, run: () => Promise<unknown>) {
	statements = [];
	plans = [];
	const t = performance.now();
	await run();
	const total = performance.now() - t;
	console.log(`\n===== ${title}: ${total.toFixed(1)} ms, ${statements.length} statements`);
	for (const s of statements) console.log(`  ${s.ms.toFixed(2).padStart(8)} ms  ${s.sql}`);
	for (const plan of plans) {
		const text = plan.replace(/^duration: [\d.]+ ms\s+plan:\n?/, '');
		if (/Query Text: (BEGIN|COMMIT|ROLLBACK|set |load )/i.test(text)) continue;
		console.log(`\n${plan.split('\n')[0]}\n${text.replace(/^/gm, '    ')}`);
	}
}

const server = await startScratchPostgres();
try {
	await ensureDatabase(server.urlFor('postgres'), 'bench');
	const url = server.urlFor('bench');
	const db = createDb(url, 20);
	await migrateToLatest(db);
	useDatabaseForTests(db, url);
	const { ctx, adminDepartmentId } = await seedMemoOrganisation(db, PEOPLE, DEPARTMENTS);
	const memo = await createBenchDraft(ctx, adminDepartmentId);
	await publishMemo(ctx, memo.id, { publishAt: null });
	// A report with some of everything: acknowledged, viewed, pending.
	const people = await peopleContexts(db, 2001);
	for (let i = 0; i < 1000; i += 20)
		await Promise.all(
			people
				.slice(i, i + 20)
				.map((c) => acknowledgeMemo(c, memo.id, { version: 1, attested: false, answer: null }))
		);
	await sql`update memo_recipient set first_viewed_at = now()
		where memo_id = ${memo.id} and user_id % 7 = 0 and state = 'pending'`.execute(db);
	await sql`vacuum analyze`.execute(db);
	const second = await createBenchDraft(ctx, adminDepartmentId, 'Second bench policy');

	const edb = explainingDb(url);
	useDatabaseForTests(edb, url);
	const person = people[2000]!;
	await section('publish a second memo to everyone', () =>
		publishMemo(ctx, second.id, { publishAt: null })
	);
	await section('report: counts and roll-up', () => getMemoReport(ctx, memo.id));
	await section('report: first page of people', () =>
		listMemoReportPeople(ctx, memo.id, { limit: 50 } as never)
	);
	await section('report: pending people of one directorate', () =>
		listMemoReportPeople(ctx, memo.id, {
			limit: 50,
			status: 'pending',
			departmentId: ctx.actor!.departmentId + 1
		} as never)
	);
	await section('a person’s pending memos (the banner)', () => listMyPendingMemos(person));
	await section('the issuer’s desk: their memos with progress counts', () =>
		listMemosByAuthor(edb, ctx.actor!.id)
	);
	await section('memos a person received', () => listReceivedMemos(edb, people[0]!.actor!.id));
	await section('acknowledge', () =>
		acknowledgeMemo(person, memo.id, { version: 1, attested: false, answer: null })
	);
	const rollback = async (run: (trx: Database) => Promise<unknown>) => {
		await edb
			.transaction()
			.execute(async (trx) => {
				await run(trx as unknown as Database);
				throw new Error('rollback');
			})
			.catch(() => undefined);
	};
	await section('reminder claim (100 due, rolled back)', () =>
		rollback((trx) => claimDueReminders(trx, new Date(), 100))
	);
	await section('escalation claim, everyone overdue (rolled back)', () =>
		rollback((trx) => escalateOverdue(trx, '2099-01-02', new Date()))
	);
	await edb.destroy();
	await db.destroy();
} finally {
	await server.stop();
}
