/**
 * The large-organisation seeder (bench/seed-large.ts) at a small size: the same seed writes the
 * same rows, the shapes are the ones it promises (skewed departments, busy threads, long and short
 * texts, memo audiences from a handful to the organisation), and what it writes works in the app:
 * people sign in with the one password, search finds seeded content, thread sequences are whole,
 * and the audit trail with every memo record verifies.
 */
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../bench/lib/app.ts';
import { seedLarge, type LargeSeedOptions } from '../../bench/seed-large.ts';
import { listAuditChain } from '../../src/lib/server/audit/audit.repository.ts';
import { verifyChain, type ChainVerdict } from '../../src/lib/server/audit/chain.ts';
import { signInWithPassword } from '../../src/lib/server/auth/sign-in.service.ts';
import { config } from '../../src/lib/server/config.ts';
import { useDatabaseForTests, type Database } from '../../src/lib/server/db/index.ts';
import { seedDemoOrganisation } from '../../src/lib/server/demo/seed.ts';
import { verifyMemoRecordsInDatabase } from '../../src/lib/server/memos/memo-evidence.repository.ts';
import { searchEverything } from '../../src/lib/server/search/search.service.ts';
import { searchQuerySchema } from '../../src/lib/shared/schemas/search.ts';
import { contextFor } from '../factories.ts';
import { createTestDatabase } from './database.ts';

const OPTIONS: LargeSeedOptions = {
	people: 400,
	departments: 16,
	posts: 3000,
	messages: 6000,
	pages: 400,
	memos: 12,
	seed: 7,
	password: DEMO_PASSWORD
};

async function seeded(): Promise<{ db: Database; url: string }> {
	const database = await createTestDatabase();
	await seedDemoOrganisation(database.db, DEMO_PASSWORD);
	await seedLarge(database.db, OPTIONS);
	return database;
}

/** A digest of what the seed decides (no times: those are relative to now). */
async function fingerprint(db: Database): Promise<Record<string, string>> {
	const digest = async (query: ReturnType<typeof sql>) =>
		(
			await sql<{
				md5: string;
			}>`select md5(coalesce(string_agg(x::text, '|'), '')) as md5 from (${query}) x`.execute(db)
		).rows[0]!.md5;
	return {
		users: await digest(sql`select email, name, department_id, manager_id from users order by id`),
		posts: await digest(
			sql`select id, author_id, department_id, body_source from post order by id`
		),
		messages: await digest(
			sql`select thread_id, seq, author_id, body_source from thread_message order by id`
		),
		pages: await digest(
			sql`select id, parent_id, path, title, body_source from kb_page order by id`
		),
		recipients: await digest(
			sql`select memo_id, user_id, state, due_on - delivered_at::date from memo_recipient order by 1, 2`
		)
	};
}

async function verifyTrail(db: Database): Promise<ChainVerdict> {
	let verdict: ChainVerdict = { ok: true, checked: 0, lastHash: '0'.repeat(64) };
	for (let after = 0; ;) {
		const rows = await listAuditChain(db, after, 1000);
		if (!rows.length) break;
		verdict = verifyChain(rows, verdict.ok ? verdict.lastHash : undefined, verdict.checked);
		if (!verdict.ok) return verdict;
		after = rows.at(-1)!.id;
	}
	return verifyMemoRecordsInDatabase(db, verdict);
}

describe('the large-organisation seeder', async () => {
	const seededFirst = await seeded();
	const first = seededFirst.db;
	const second = (await seeded()).db;
	// The services (sign-in, search) read the app's database: the first one.
	useDatabaseForTests(first, seededFirst.url);

	it('writes the same rows for the same seed', async () => {
		expect(await fingerprint(second)).toEqual(await fingerprint(first));
	});

	it('writes the sizes asked for, with skewed departments and a few very busy threads', async () => {
		const count = async (table: string, where = sql`true`) =>
			(
				await sql<{
					n: number;
				}>`select count(*)::int as n from ${sql.table(table)} where ${where}`.execute(first)
			).rows[0]!.n;
		expect(await count('users', sql`email like 'bench-person-%'`)).toBe(OPTIONS.people);
		expect(await count('department', sql`slug like 'bench-%'`)).toBe(OPTIONS.departments);
		expect(await count('thread_message')).toBe(OPTIONS.messages);
		expect(
			await count(
				'kb_page',
				sql`owner_id in (select id from users where email like 'bench-person-%')`
			)
		).toBe(OPTIONS.pages);
		expect(await count('memo', sql`reference like 'BENCH-%'`)).toBe(OPTIONS.memos);

		const { rows: sizes } = await sql<{ n: number }>`
			select count(*)::int as n from users u join department d on d.id = u.department_id
			where d.slug like 'bench-%' group by d.id order by n desc
		`.execute(first);
		expect(sizes[0]!.n).toBeGreaterThan(10 * sizes.at(-1)!.n);

		const { rows: threads } = await sql<{ n: number }>`
			select last_seq::int as n from thread order by last_seq desc
		`.execute(first);
		const total = threads.reduce((a, t) => a + t.n, 0);
		expect(threads[0]!.n).toBeGreaterThan(total / 20);
		expect(threads[0]!.n).toBeGreaterThan(10 * threads[Math.floor(threads.length / 2)]!.n);
	});

	it('numbers every thread’s messages 1…n, as the app would', async () => {
		const { rows } = await sql<{ bad: number }>`
			select count(*)::int as bad from thread t
			where t.last_seq <> (select count(*) from thread_message m where m.thread_id = t.id)
				or t.last_seq <> coalesce((select max(seq) from thread_message m where m.thread_id = t.id), 0)
		`.execute(first);
		expect(rows[0]!.bad).toBe(0);
	});

	it('writes short and long texts', async () => {
		const { rows } = await sql<{ short: number; long: number }>`
			select count(*) filter (where length(body_source) < 200)::int as short,
				count(*) filter (where length(body_source) > 800)::int as long
			from thread_message
		`.execute(first);
		expect(rows[0]!.short).toBeGreaterThan(OPTIONS.messages / 2);
		expect(rows[0]!.long).toBeGreaterThan(0);
		const { rows: pages } = await sql<{ min: number; max: number }>`
			select min(length(body_source))::int as min, max(length(body_source))::int as max from kb_page
		`.execute(first);
		expect(pages[0]!.max).toBeGreaterThan(10 * pages[0]!.min);
	});

	it('addresses memos from a handful of people to the whole organisation, some acknowledged', async () => {
		const { rows } = await sql<{ n: number; acked: number }>`
			select count(*)::int as n, count(*) filter (where r.state = 'acknowledged')::int as acked
			from memo m join memo_recipient r on r.memo_id = m.id
			where m.reference like 'BENCH-%' group by m.id order by n
		`.execute(first);
		expect(rows[0]!.n).toBeLessThanOrEqual(40);
		expect(rows.at(-1)!.n).toBeGreaterThan(OPTIONS.people / 4);
		expect(rows.reduce((a, r) => a + r.acked, 0)).toBeGreaterThan(0);
		const { rows: owed } = await sql<{ n: number }>`
			select count(*)::int as n from memo_recipient r join memo m on m.id = r.memo_id
			where m.reference like 'BENCH-%' and r.state = 'pending' and r.next_reminder_at <= now()
		`.execute(first);
		expect(owed[0]!.n).toBe(0);
	});

	it('keeps the audit trail and every memo record verifiable', async () => {
		expect(await verifyTrail(first)).toMatchObject({ ok: true });
	});

	it('lets a seeded person sign in with the one password', async () => {
		const signedIn = await signInWithPassword(
			{ actor: null, ip: '127.0.0.1', userAgent: 'vitest' },
			{ email: 'bench-person-17@bench.commons.test', password: DEMO_PASSWORD },
			config().session
		);
		expect(signedIn.token).toBeTruthy();
	});

	it('indexes the seeded content for search, with nothing left in the outbox', async () => {
		const { rows } = await sql<{ word: string; userId: number }>`
			select split_part(m.body_source, ' ', 2) as word, m.author_id as user_id
			from thread_message m join thread t on t.id = m.thread_id
			where t.department_id is null order by m.id limit 1
		`.execute(first);
		const ctx = await contextFor(first, rows[0]!.userId);
		const found = await searchEverything(
			ctx,
			searchQuerySchema.parse({ q: rows[0]!.word, type: 'message' })
		);
		expect(found.hits.length).toBeGreaterThan(0);
		const { rows: outbox } = await sql<{ n: number }>`
			select count(*)::int as n from search_outbox
		`.execute(first);
		expect(outbox[0]!.n).toBe(0);
	});
});
