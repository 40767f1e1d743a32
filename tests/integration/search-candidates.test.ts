/**
 * The PostgreSQL engine's candidate reading at the edges its speed depends on: counts taken from
 * the candidates (exact when every match was read, "at least" when the window was enough), older
 * matches still found when the window holds few, the title and recent-window mirrors kept by
 * triggers, and phrases. Documents are written straight into search_document as the bulk seeders do, with
 * dates chosen to land inside or outside the 30-day window.
 */
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { postgresEngine } from '../../src/lib/server/search/postgres-engine.ts';
import {
	pruneRecentDocuments,
	RECENT_DAYS,
	TITLED_KINDS,
	webSearchQuery
} from '../../src/lib/server/search/search.repository.ts';
import type { ViewerFilter } from '../../src/lib/server/search/search-engine.ts';
import { newDepartment, newUser } from '../factories.ts';
import { createTestDatabase } from './database.ts';

const { db } = await createTestDatabase();
const department = await newDepartment(db, { slug: 'roads', name: 'Roads' });
const reader = await newUser(db, { departmentId: department.id, name: 'Rita Reader' });
const viewer: ViewerFilter = { userId: reader.id, hiddenDepartmentIds: [] };
let nextId = 5_000_000;

/** Writes `n` documents of `kind` containing `body`, `daysAgo` old. */
async function documents(
	n: number,
	kind: 'post' | 'page',
	body: string,
	daysAgo: number,
	title = ''
): Promise<number[]> {
	const ids = Array.from({ length: n }, () => nextId++);
	await sql`
		insert into search_document (kind, source_id, department_id, title, body, url, created_at, updated_at)
		select ${kind}, id, ${department.id}, ${title}, ${body}, '/x/' || id,
			now() - make_interval(days => ${daysAgo}), now() - make_interval(days => ${daysAgo})
		from unnest(${ids}::bigint[]) as id
	`.execute(db);
	return ids;
}

const search = (text: string, kinds: ('post' | 'page')[] = []) =>
	postgresEngine.search(db, {
		text,
		viewer,
		kinds,
		departmentIds: null,
		after: null,
		limit: 20
	});

describe('counts taken from the candidates', () => {
	it('are exact when the window and the older matches were all read', async () => {
		await documents(10, 'post', 'quarry report', 2);
		await documents(30, 'post', 'quarry report', 200);
		await documents(3, 'page', 'quarry guidance', 400, 'Quarry safety');
		const result = await search('quarry');
		expect(result.counts).toEqual({ post: 40, page: 3 });
		expect(result.countsCapped).toBe(false);
		// The title matches rank first, old as they are.
		expect(result.hits.slice(0, 3).map((h) => h.kind)).toEqual(['page', 'page', 'page']);
	});

	it('say "at least" when the window held enough not to look further back', async () => {
		await documents(60, 'post', 'viaduct inspection', 1);
		await documents(25, 'post', 'viaduct inspection', 90);
		const result = await search('viaduct');
		expect(result.countsCapped).toBe(true);
		expect(result.counts.post).toBeGreaterThanOrEqual(60);
		expect(result.hits).toHaveLength(20);
	});

	it('count every type on their own when the results are filtered to one', async () => {
		await documents(4, 'post', 'culvert repair', 3);
		await documents(2, 'page', 'culvert manual', 3, 'Culvert manual');
		const result = await search('culvert', ['page']);
		expect(result.hits.map((h) => h.kind)).toEqual(['page', 'page']);
		expect(result.counts).toEqual({ post: 4, page: 2 });
	});

	it('still find older matches when the window holds only a few', async () => {
		await documents(2, 'post', 'embankment survey', 5);
		const old = await documents(5, 'post', 'embankment survey', 300);
		const result = await search('embankment');
		expect(result.hits).toHaveLength(7);
		expect(result.hits.map((h) => h.sourceId)).toEqual(expect.arrayContaining(old));
	});
});

describe('a search filtered to titled kinds', () => {
	it('finds old body-only matches of those kinds, and nothing else', async () => {
		await documents(6, 'post', 'sluice gate', 200);
		const pages = await documents(4, 'page', 'sluice gate checks', 200);
		const result = await search('sluice', ['page']);
		expect(result.hits.map((h) => h.sourceId).sort()).toEqual([...pages].sort());
		expect(result.counts).toEqual({ post: 6, page: 4 });
	});

	it('has their own index, whose predicate is the list the query names', async () => {
		const { rows } = await sql<{ indexdef: string }>`
			select indexdef from pg_indexes where indexname = 'search_document_titled_fts_idx'
		`.execute(db);
		const quoted = [...(rows[0]?.indexdef ?? '').matchAll(/'(\w+)'::text/g)].map((m) => m[1]);
		expect([...quoted].sort()).toEqual([...TITLED_KINDS].sort());
	});
});

describe('the title mirror', () => {
	const titles = async (ids: number[]) =>
		(
			await db
				.selectFrom('searchTitle')
				.where('sourceId', 'in', ids)
				.select(['sourceId', 'title'])
				.orderBy('sourceId')
				.execute()
		).map((r) => r.title);

	it('follows every insert, update and delete of a titled document', async () => {
		const [a, b] = await documents(2, 'page', 'body', 1, 'Gritting routes');
		const [untitled] = await documents(1, 'post', 'body', 1);
		expect(await titles([a!, b!, untitled!])).toEqual(['Gritting routes', 'Gritting routes']);
		await sql`update search_document set title = 'Winter gritting routes' where source_id = ${a}`.execute(
			db
		);
		await sql`update search_document set title = '' where source_id = ${b}`.execute(db);
		await sql`update search_document set title = 'Salt barn' where source_id = ${untitled}`.execute(
			db
		);
		expect(await titles([a!, b!, untitled!])).toEqual(['Winter gritting routes', 'Salt barn']);
		await sql`delete from search_document where source_id = any(${[a, untitled]}::bigint[])`.execute(
			db
		);
		expect(await titles([a!, b!, untitled!])).toEqual([]);
	});

	it('empties with search_document, also when one statement truncates both', async () => {
		await documents(1, 'page', 'body', 1, 'Salt barn');
		// The demo reset truncates every table in one statement.
		await sql`truncate search_document, search_title`.execute(db);
		await documents(1, 'page', 'body', 1, 'Salt barn');
		await sql`truncate search_document`.execute(db);
		expect(await db.selectFrom('searchTitle').select('sourceId').execute()).toEqual([]);
	});

	it('is what suggestions read first: a title beats many body matches', async () => {
		await documents(30, 'post', 'levee maintenance', 1);
		await documents(1, 'page', 'body', 100, 'Levee handbook');
		const suggestions = await postgresEngine.suggest(db, { text: 'leve', viewer, limit: 8 });
		expect(suggestions[0]).toMatchObject({ kind: 'page' });
		// Titles alone filled fewer than eight, so body matches follow.
		expect(suggestions.length).toBe(8);
	});
});

describe('the recent window (search_recent)', () => {
	const recent = async (ids: number[]) =>
		(
			await db
				.selectFrom('searchRecent')
				.where('sourceId', 'in', ids)
				.select('sourceId')
				.orderBy('sourceId')
				.execute()
		).map((r) => Number(r.sourceId));

	it('holds the documents of the last thirty days, following inserts, updates and deletes', async () => {
		const [fresh, stale] = [
			(await documents(1, 'post', 'gully cleaning', 3))[0]!,
			(await documents(1, 'post', 'gully cleaning', 45))[0]!
		];
		expect(await recent([fresh, stale])).toEqual([fresh]);
		// An edit brings an old document into the window, with its new words.
		await sql`update search_document set body = 'gully jetting', updated_at = now() where source_id = ${stale}`.execute(
			db
		);
		expect(await recent([fresh, stale])).toEqual([fresh, stale]);
		const result = await search('jetting');
		expect(result.hits.map((h) => h.sourceId)).toEqual([stale]);
		await sql`delete from search_document where source_id = ${fresh}`.execute(db);
		expect(await recent([fresh, stale])).toEqual([stale]);
		await sql`truncate search_document`.execute(db);
		expect(await db.selectFrom('searchRecent').select('sourceId').execute()).toEqual([]);
	});

	it('is kept by a trigger with the same window as the query', async () => {
		const { rows } = await sql<{ definition: string }>`
			select pg_get_functiondef('search_recent_mirror'::regproc) as definition
		`.execute(db);
		expect(rows[0]!.definition).toContain(`now() - interval '${RECENT_DAYS} days'`);
	});

	it('replaces a row left behind instead of failing the write', async () => {
		const [id] = await documents(1, 'post', 'bollard', 2);
		// A leftover as a write outside the trigger (or before it existed) would leave it.
		await sql`alter table search_document disable trigger search_recent_mirror`.execute(db);
		await sql`delete from search_document where source_id = ${id}`.execute(db);
		await sql`alter table search_document enable trigger search_recent_mirror`.execute(db);
		await sql`
			insert into search_document (kind, source_id, department_id, title, body, url, created_at, updated_at)
			values ('post', ${id}, ${department.id}, '', 'bollard replacement', '/x', now(), now())
		`.execute(db);
		expect((await search('replacement')).hits.map((h) => h.sourceId)).toEqual([id]);
	});

	it('cannot show what the document itself no longer lets the viewer see', async () => {
		const [id] = await documents(1, 'post', 'sinkhole', 2);
		expect((await search('sinkhole')).hits.map((h) => h.sourceId)).toEqual([id]);
		// Restricted to someone else while the mirror missed it: the mirror is stale.
		await sql`alter table search_document disable trigger search_recent_mirror`.execute(db);
		await sql`update search_document set allowed_user_ids = array[${reader.id + 1}]::bigint[] where source_id = ${id}`.execute(
			db
		);
		await sql`alter table search_document enable trigger search_recent_mirror`.execute(db);
		expect((await search('sinkhole')).hits).toEqual([]);
	});

	it('is pruned of documents that aged out, which searches still find as older matches', async () => {
		// Forty days old, and still in search_recent as if written when they were new (the
		// trigger cannot see time pass).
		const ids = await documents(3, 'post', 'kerb realignment', 40);
		await sql`
			insert into search_recent (kind, source_id, department_id, allowed_user_ids, updated_at, document)
			select kind, source_id, department_id, allowed_user_ids, updated_at, document
			from search_document where source_id = any(${ids}::bigint[])
		`.execute(db);
		expect(await recent(ids)).toEqual(ids);
		// Aged-out rows are filtered by the window while they wait for the prune.
		expect((await search('realignment')).hits.map((h) => h.sourceId).sort()).toEqual(ids);
		expect(await pruneRecentDocuments(db)).toBeGreaterThanOrEqual(3);
		expect(await recent(ids)).toEqual([]);
		expect((await search('realignment')).hits.map((h) => h.sourceId).sort()).toEqual(ids);
	});
});

describe('phrases', () => {
	it('are recognised, so their candidates come from the GIN index', () => {
		expect(webSearchQuery('"salt barn"').phrase).toBe(true);
		expect(webSearchQuery('e-mail policy').phrase).toBe(true);
		expect(webSearchQuery("o'neill").phrase).toBe(true);
		expect(webSearchQuery('salt barn').phrase).toBe(false);
		expect(webSearchQuery('salt -barn or grit').phrase).toBe(false);
	});

	it('find only adjacent words', async () => {
		await documents(3, 'post', 'the salt barn is full', 2);
		await documents(3, 'post', 'salt in the barn', 2);
		const result = await search('"salt barn"');
		expect(result.hits).toHaveLength(3);
		expect(result.counts).toEqual({ post: 3 });
	});
});
