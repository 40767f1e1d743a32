/**
 * Statements per request for the main pages, against a small but full organisation written by the
 * large-organisation seeder: each page shows many rows by many people (20 posts, 50 messages,
 * 50 people, 20 search hits…), so a query per row (an N+1) cannot hide under its budget. Each
 * page is requested once to warm the process's caches, then counted, as a person's second visit
 * would be. When a change needs more statements on purpose, raise the budget here and say why.
 */
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../bench/lib/app.ts';
import { DEFAULT_VIEWER } from '../../bench/seed-feed.ts';
import { seedLarge } from '../../bench/seed-large.ts';
import { db as app } from '../../src/lib/server/db/index.ts';
import { seedDemoOrganisation } from '../../src/lib/server/demo/seed.ts';
import { load as appLayout } from '../../src/routes/(app)/+layout.server.ts';
import { load as feedPage } from '../../src/routes/(app)/feed/+page.server.ts';
import { load as kbPage } from '../../src/routes/(app)/kb/[space]/[...path]/+page.server.ts';
import { load as memoPage } from '../../src/routes/(app)/memos/[id=id]/+page.server.ts';
import { load as peoplePage } from '../../src/routes/(app)/people/+page.server.ts';
import { load as searchPage } from '../../src/routes/(app)/search/+page.server.ts';
import { load as threadPage } from '../../src/routes/(app)/threads/[id=id]/+page.server.ts';
import { createTestDatabase } from './database.ts';
import { countQueries, describeQueries, requestPage, type PageRequest } from './query-count.ts';
import { sessionTokenFor } from './sessions.ts';

const { db, url } = await createTestDatabase();
await seedDemoOrganisation(db, DEMO_PASSWORD);
await seedLarge(db, {
	people: 600,
	departments: 20,
	posts: 4000,
	messages: 6000,
	pages: 400,
	memos: 8,
	seed: 3,
	password: DEMO_PASSWORD
});
const measure = countQueries(db, url);

const viewer = await db
	.selectFrom('users')
	.where('email', '=', DEFAULT_VIEWER)
	.select('id')
	.executeTakeFirstOrThrow();
const token = await sessionTokenFor(db, viewer.id);

const busiestThread = (
	await sql<{
		id: number;
	}>`select id from thread where department_id is null order by last_seq desc limit 1`.execute(db)
).rows[0]!.id;
// A page with a parent and children, in a department everyone may see.
const page = (
	await sql<{ slug: string; path: string }>`
		select d.slug, p.path from kb_page p join department d on d.id = p.department_id
		where p.parent_id is not null and d.visibility = 'organisation'
			and exists (select 1 from kb_page c where c.parent_id = p.id)
		order by p.id limit 1
	`.execute(db)
).rows[0]!;
// The newest memo goes to everyone, the viewer included.
const memo = (
	await sql<{
		id: number;
	}>`select id from memo where reference like 'BENCH-%' order by id desc limit 1`.execute(db)
).rows[0]!.id;

/**
 * Statements per page (measured when written: every page pays 2: the session and person, and the
 * page frame (memo banner and bell in one statement, src/lib/server/page-frame.ts)). What each page shows is checked too, so the budget means something.
 * Known waste, left to the areas' owners: the thread page reads its thread twice (joinThread, then
 * listMessagesBefore), the memo page reads the memo row twice (openMemo, then the desk).
 */
const PAGES: {
	name: string;
	budget: number;
	request: Omit<PageRequest, 'token' | 'layouts'>;
	shows: (data: Record<string, unknown>) => void;
}[] = [
	{
		name: 'home feed',
		budget: 3,
		request: { path: '/feed', page: feedPage },
		shows: (data) =>
			expect((data.feed as { posts: unknown[] }).posts.length).toBeGreaterThanOrEqual(20)
	},
	{
		name: 'a busy thread',
		budget: 9,
		request: {
			path: `/threads/${busiestThread}`,
			params: { id: String(busiestThread) },
			page: threadPage
		},
		shows: (data) => expect((data.messages as unknown[]).length).toBeGreaterThanOrEqual(50)
	},
	{
		name: 'a knowledge page',
		budget: 10,
		request: {
			path: `/kb/${page.slug}/${page.path}`,
			params: { space: page.slug, path: page.path },
			page: kbPage
		},
		shows: (data) => expect(data.page).toBeTruthy()
	},
	{
		name: 'a memo to everyone',
		budget: 8,
		request: { path: `/memos/${memo}`, params: { id: String(memo) }, page: memoPage },
		shows: (data) => expect(data.memo).toBeTruthy()
	},
	{
		name: 'search',
		budget: 5,
		request: { path: '/search?q=budget', page: searchPage },
		shows: (data) =>
			expect((data.result as { hits: unknown[] }).hits.length).toBeGreaterThanOrEqual(10)
	},
	{
		name: 'people',
		budget: 4,
		request: { path: '/people', page: peoplePage },
		shows: (data) => expect((data.people as unknown[]).length).toBeGreaterThanOrEqual(20)
	}
];

describe('the statement counter', () => {
	it('counts every statement through the app database, in transactions and raw SQL too', async () => {
		const { queries } = await measure(async () => {
			for (let i = 0; i < 3; i++)
				await app().selectFrom('users').select('id').where('id', '=', i).execute();
			await app()
				.transaction()
				.execute(async (trx) => {
					await sql`select 1`.execute(trx);
					await trx.selectFrom('department').select('id').limit(1).execute();
				});
		});
		expect(queries.count).toBe(5);
		expect(queries.statements[0]).toMatch(/^select "id" from "users"/);
	});
});

describe('statements per request', () => {
	for (const target of PAGES) {
		it(`${target.name}: at most ${target.budget}`, async () => {
			const request = { ...target.request, token, layouts: [appLayout] } as PageRequest;
			await requestPage(request);
			const { result, queries } = await measure(() => requestPage(request));
			expect(result.status).toBe(200);
			target.shows(result.data);
			expect(queries.count, describeQueries(queries)).toBeLessThanOrEqual(target.budget);
		});
	}
});
