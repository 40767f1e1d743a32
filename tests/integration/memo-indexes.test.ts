/**
 * Every query on memo_recipient has an index to use. The memo tables are small in tests, so the
 * planner would rightly scan them; here sequential scans are priced out (`enable_seqscan = off`:
 * the planner still scans the table when no index applies) and `auto_explain` reports the plan
 * of each statement the repositories run, which must not scan memo_recipient from end to end.
 */
import { CamelCasePlugin, Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/lib/server/db/index.ts';
import type { DB } from '../../src/lib/server/db/schema.ts';
import {
	listMemosByAuthor,
	listReceivedMemos
} from '../../src/lib/server/memos/memo-desk.repository.ts';
import {
	getRecipient,
	listPendingForPerson
} from '../../src/lib/server/memos/memo-recipient.repository.ts';
import {
	claimDueReminders,
	escalateOverdue
} from '../../src/lib/server/memos/memo-reminder.repository.ts';
import {
	getMemoCounts,
	getMemoProgress,
	listReportPeople
} from '../../src/lib/server/memos/memo-report.repository.ts';
import { createTestDatabase } from './database.ts';
import { draft, memoOrganisation, publishNew } from './memo-fixtures.ts';

const { db, url } = await createTestDatabase();
const { departments: d, people: p, as } = await memoOrganisation(db, 'idx');
const memo = await publishNew(
	as.admin,
	draft({
		issuingDepartmentId: d.agency.id,
		audience: [{ kind: 'organisation', exclude: false }]
	})
);

let plans: string[] = [];
const pool = new pg.Pool({ connectionString: url, max: 1 });
pool.on('connect', (client) => {
	client.on('notice', (notice) => {
		if (notice.message?.includes('Query Text:')) plans.push(notice.message);
	});
	// One simple query, queued before any statement of the app on this client.
	client
		.query(
			[
				"set time zone 'UTC'",
				'set enable_seqscan = off',
				"load 'auto_explain'",
				'set auto_explain.log_min_duration = 0',
				"set auto_explain.log_level = 'notice'"
			].join('; ')
		)
		.catch(() => undefined);
});
const explained: Database = new Kysely<DB>({
	dialect: new PostgresDialect({ pool }),
	plugins: [new CamelCasePlugin()]
});
afterAll(() => explained.destroy());

/** Each index of memo_recipient and its leading column. */
const LEADING: Record<string, string> = {
	memo_recipient_pkey: 'memo_id',
	memo_recipient_pending_idx: 'user_id',
	memo_recipient_person_idx: 'user_id',
	memo_recipient_reminder_idx: 'next_reminder_at',
	memo_recipient_escalation_idx: 'due_on'
};

/**
 * The scans of memo_recipient in a plan, each as the index it goes through and whether its
 * condition bounds the index's leading column ('seq' for a scan of the whole table). PostgreSQL
 * 18 can also "skip scan" an index on a later column: one descent per memo, not an index for
 * the query.
 */
function scansOf(plan: string): { index: string; bounded: boolean }[] {
	const lines = plan.split('\n');
	return lines.flatMap((line, i) => {
		if (/Seq Scan on memo_recipient\b/.test(line)) return [{ index: 'seq', bounded: false }];
		const m =
			/Index (?:Only )?Scan (?:Backward )?using (memo_recipient_\w+)|Bitmap Index Scan on (memo_recipient_\w+)/.exec(
				line
			);
		if (!m) return [];
		const index = (m[1] ?? m[2])!;
		const end = lines.findIndex((l, j) => j > i && l.includes('->'));
		const cond = lines
			.slice(i + 1, end < 0 ? undefined : end)
			.find((l) => l.includes('Index Cond:'));
		return [{ index, bounded: !!cond && new RegExp(`\\b${LEADING[index]}\\b`).test(cond) }];
	});
}

/**
 * Runs `run` (rolled back) and checks that each plan that reads memo_recipient reads it through
 * one of `indexes` (or the primary key: the escalation claim's update finds its rows by it),
 * bounded on the index's leading column.
 */
async function expectIndexed(indexes: string | string[], run: (db: Database) => Promise<unknown>) {
	const allowed = [indexes, 'memo_recipient_pkey'].flat();
	plans = [];
	await explained
		.transaction()
		.execute(async (trx) => {
			await run(trx as unknown as Database);
			throw new Error('roll back');
		})
		.catch((error: Error) => {
			if (error.message !== 'roll back') throw error;
		});
	const reading = plans.filter((plan) => /memo_recipient/.test(plan));
	expect(reading.length).toBeGreaterThan(0);
	for (const plan of reading) {
		const scans = scansOf(plan);
		expect(scans.length, plan).toBeGreaterThan(0);
		expect(
			scans.some((s) => [indexes].flat().includes(s.index)),
			plan
		).toBe(true);
		for (const scan of scans) {
			expect(allowed, plan).toContain(scan.index);
			expect(scan.bounded, plan).toBe(true);
		}
	}
}

describe('memo_recipient indexes', () => {
	it('serve one person’s row and their pending memos (the banner)', async () => {
		await expectIndexed('memo_recipient_pkey', (tx) => getRecipient(tx, memo.id, p.nina.id));
		await expectIndexed('memo_recipient_pending_idx', (tx) => listPendingForPerson(tx, p.nina.id));
	});

	it('serve the report: counts, roll-up, and the list of people with every filter', async () => {
		const pkey = 'memo_recipient_pkey';
		await expectIndexed(pkey, (tx) => getMemoCounts(tx, memo.id, '2099-02-01'));
		await expectIndexed(pkey, (tx) => getMemoProgress(tx, memo.id, '2099-02-01'));
		await expectIndexed(pkey, (tx) => listReportPeople(tx, memo.id, '2099-02-01', { limit: 50 }));
		// Pending people may also come from the index of pending rows, by person.
		for (const status of ['acknowledged', 'viewed', 'pending', 'overdue'] as const)
			await expectIndexed([pkey, 'memo_recipient_pending_idx'], (tx) =>
				listReportPeople(tx, memo.id, '2099-02-01', {
					status,
					departmentId: d.ops.id,
					afterUserId: p.olga.id,
					limit: 50
				})
			);
	});

	it('serve the issuer’s desk (progress of their memos) and the memos a person received', async () => {
		await expectIndexed('memo_recipient_pkey', (tx) => listMemosByAuthor(tx, p.admin.id));
		await expectIndexed(['memo_recipient_person_idx', 'memo_recipient_pending_idx'], (tx) =>
			listReceivedMemos(tx, p.nina.id)
		);
	});

	it('serve the reminder runner’s claim and the escalation claim', async () => {
		await expectIndexed('memo_recipient_reminder_idx', (tx) =>
			claimDueReminders(tx, new Date('2099-01-01'), 100)
		);
		await expectIndexed('memo_recipient_escalation_idx', (tx) =>
			escalateOverdue(tx, '2099-02-01', new Date('2099-02-01'))
		);
	});
});
