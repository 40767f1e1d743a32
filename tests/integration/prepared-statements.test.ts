/**
 * The queries every page runs are named prepared statements (db/prepared.ts): parsed once per
 * connection, and planned once when a generic plan is as good. What is checked is what the
 * server holds for the connection (`pg_prepared_statements`), on a pool of one connection so
 * that every query runs on it; and that the answers are the same as unprepared.
 */
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { hashToken } from '../../src/lib/server/auth/token.ts';
import { createDb, type Database } from '../../src/lib/server/db/index.ts';
import { prepared, statementName } from '../../src/lib/server/db/prepared.ts';
import { listFeedPage } from '../../src/lib/server/feeds/feed.repository.ts';
import { listPendingForPerson } from '../../src/lib/server/memos/memo-recipient.repository.ts';
import { countUnread } from '../../src/lib/server/notifications/notification.repository.ts';
import { getSessionActorRow } from '../../src/lib/server/org/actor.repository.ts';
import { newDepartment, newPost, newUser } from '../factories.ts';
import { createTestDatabase } from './database.ts';
import { sessionTokenFor } from './sessions.ts';

const { db, url } = await createTestDatabase();
const finance = await newDepartment(db, { slug: 'finance', name: 'Finance' });
const reader = await newUser(db, { departmentId: finance.id, name: 'Annika Berg' });
const author = await newUser(db, { departmentId: finance.id, name: 'Tomasz Nowak' });
for (let i = 0; i < 3; i++) await newPost(db, { authorId: author.id, departmentId: finance.id });
const sessionId = hashToken(await sessionTokenFor(db, reader.id));

const onePool = createDb(url, 1);
const onePoolUnprepared = createDb(url, 1, { preparedStatements: false });
afterAll(() => Promise.all([onePool.destroy(), onePoolUnprepared.destroy()]));

type Held = { name: string; statement: string; genericPlans: number; customPlans: number };

/** The statements the pool's one connection holds. */
async function heldBy(database: Database): Promise<Held[]> {
	const { rows } = await sql<Held>`
		select name, statement, generic_plans, custom_plans from pg_prepared_statements
	`.execute(database);
	return rows.map((r) => ({
		...r,
		genericPlans: Number(r.genericPlans),
		customPlans: Number(r.customPlans)
	}));
}

function homeFeed(database: Database) {
	return listFeedPage(database, {
		viewerId: reader.id,
		sources: {
			departmentIds: [finance.id],
			includeOrganisation: true,
			hiddenDepartmentIds: [],
			announcementDays: 7,
			followedBy: reader.id
		},
		cursor: undefined,
		limit: 21,
		withTop: true
	});
}

/** Each page's queries, as a page runs them. */
async function aPage(database: Database) {
	return {
		session: await getSessionActorRow(database, sessionId),
		feed: await homeFeed(database),
		unread: await countUnread(database, [reader.id]),
		memos: await listPendingForPerson(database, reader.id)
	};
}

describe('prepared statements', () => {
	it('run a marked raw query, and a built select marked in front, as statements named by their text', async () => {
		const raw = sql<{ n: number }>`${prepared}select ${41}::int + 1 as n`;
		expect((await raw.execute(onePool)).rows).toEqual([{ n: 42 }]);
		const built = await onePool
			.selectFrom('department')
			.modifyFront(prepared)
			.select('slug')
			.where('id', '=', finance.id)
			.execute();
		expect(built).toEqual([{ slug: 'finance' }]);

		const held = await heldBy(onePool);
		const rawText = raw.compile(onePool).sql;
		expect(held.map((h) => h.name)).toContain(statementName(rawText));
		expect(held.some((h) => h.statement.startsWith('select /* prepared */'))).toBe(true);
		// The query that read pg_prepared_statements was not marked: it is not held.
		expect(held.some((h) => h.statement.includes('pg_prepared_statements'))).toBe(false);
	});

	it('give the same answers as unprepared queries, and hold one statement per text however often they run', async () => {
		const first = await aPage(onePool);
		for (let i = 0; i < 9; i++) expect(await aPage(onePool)).toEqual(first);
		expect(await aPage(onePoolUnprepared)).toEqual(first);
		expect(first.session?.actor?.id).toBe(reader.id);
		expect(first.feed).toHaveLength(3);

		const held = await heldBy(onePool);
		const find = (fragment: string) => held.filter((h) => h.statement.includes(fragment));
		const session = find('managed as');
		const feed = find('dept as');
		const unread = find('from notification n');
		const memos = find('"memo_recipient"');
		for (const statement of [session, feed, unread, memos]) expect(statement).toHaveLength(1);
		// Each ran ten times from its one statement. Whether PostgreSQL then plans it once (a
		// generic plan) or for each call's values depends on the table statistics, so it is
		// measured on the benchmark's data (bench/README.md), not asserted on these few rows.
		for (const statement of [session, feed, unread, memos])
			expect(statement[0]!.genericPlans + statement[0]!.customPlans).toBe(10);

		// With DATABASE_PREPARED_STATEMENTS=off (a transaction-mode pooler), nothing is held.
		expect(await heldBy(onePoolUnprepared)).toEqual([]);
	});
});
