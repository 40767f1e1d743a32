/**
 * Search against a real database, written through the real services and indexed through the
 * outbox: members-only content never leaks (results, counts, suggestions, the API), typos still
 * find titles and names, a title match ranks above a body match, pages keep their order, deleted
 * content leaves the index, and bad input always gets a sensible answer.
 */
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { RequestContext } from '../../src/lib/server/context.ts';
import { addComment } from '../../src/lib/server/feeds/comment.service.ts';
import { createPost, deletePost, editPost } from '../../src/lib/server/feeds/post.service.ts';
import { drainSearchOutbox } from '../../src/lib/server/search/index-outbox.ts';
import { enqueueSearchIndex } from '../../src/lib/server/search/outbox.repository.ts';
import { postgresEngine } from '../../src/lib/server/search/postgres-engine.ts';
import { searchEverything, suggest } from '../../src/lib/server/search/search.service.ts';
import { postMessage } from '../../src/lib/server/threads/message.service.ts';
import { startThread } from '../../src/lib/server/threads/thread.service.ts';
import { searchQuerySchema, suggestQuerySchema } from '../../src/lib/shared/schemas/search.ts';
import type { SearchResponse } from '../../src/lib/shared/search.ts';
import { GET as apiSearch } from '../../src/routes/api/v1/search/+server.ts';
import { GET as apiSuggest } from '../../src/routes/api/v1/search/suggest/+server.ts';
import { contextFor, newDepartment, newUser } from '../factories.ts';
import { createTestDatabase } from './database.ts';
import { newPage } from './search-fixtures.ts';

const { db } = await createTestDatabase();

// agency ─┬─ works
//         └─ legal ── inquiries (members-only)
const agency = await newDepartment(db, { slug: 'agency', name: 'Agency' });
const works = await newDepartment(db, { slug: 'works', name: 'Works', parentId: agency.id });
const legal = await newDepartment(db, { slug: 'legal', name: 'Legal', parentId: agency.id });
const inquiries = await newDepartment(db, {
	slug: 'inquiries',
	name: 'Inquiries',
	parentId: legal.id,
	visibility: 'members-only'
});
const builder = await newUser(db, { departmentId: works.id, name: 'Bob Builder' });
const investigator = await newUser(db, { departmentId: inquiries.id, name: 'Ivy Investigator' });
const hannah = await newUser(db, { departmentId: legal.id, name: 'Hannah Fischer' });
const as = (user: { id: number }): Promise<RequestContext> => contextFor(db, user.id);
const index = () => drainSearchOutbox(db, postgresEngine);
// The factories write people straight into the table; the start-up rebuild indexes them.
const rebuilt = await postgresEngine.rebuild(db);

const search = async (user: { id: number }, input: Record<string, unknown>) =>
	searchEverything(await as(user), searchQuerySchema.parse(input));
const suggestFor = async (user: { id: number }, q: string) =>
	suggest(await as(user), suggestQuerySchema.parse({ q }));

/** Calls the API route as the hook would after resolving `user`'s session. */
async function callApi(
	handler: typeof apiSearch | typeof apiSuggest,
	path: string,
	user: { id: number } | null
): Promise<{ status: number; body: Record<string, unknown> }> {
	const url = new URL(path, 'http://commons.test');
	const ctx = user ? await as(user) : { actor: null };
	const event = {
		url,
		request: new Request(url),
		locals: { actor: ctx.actor },
		getClientAddress: () => '127.0.0.1'
	};
	const response = await (handler as (e: unknown) => Promise<Response>)(event);
	return { status: response.status, body: await response.json() };
}

// Secret content in the members-only department, written through the services.
const secretPost = await createPost(await as(investigator), {
	audience: inquiries.id,
	body: 'Zanzibar procurement irregularities: the **zanzibar** ledger is confidential.',
	announcement: false,
	attachmentIds: []
});
const secretThread = await startThread(await as(investigator), {
	title: 'Zanzibar interviews',
	home: inquiries.id,
	announceOnly: false
});
const secretMessage = await postMessage(await as(investigator), {
	threadId: secretThread.id,
	body: 'Zanzibar witness list is ready',
	clientKey: 'secret-message-1'
});
const secretPage = await newPage(db, {
	departmentId: inquiries.id,
	title: 'Zanzibar case file',
	body: 'Everything about zanzibar.',
	ownerId: investigator.id
});
// Public content with the same word.
const publicPost = await createPost(await as(builder), {
	audience: works.id,
	body: 'The zanzibar bridge is open again.',
	announcement: false,
	attachmentIds: []
});
await addComment(await as(hannah), publicPost.id, { body: 'Great news about zanzibar!' });
const procurementPage = await newPage(db, {
	departmentId: null,
	title: 'Procurement policy',
	body: 'How we buy goods and services, and who signs off.',
	ownerId: builder.id
});
await index();

describe('visibility', () => {
	it('rebuilt the index from the source tables', () => {
		expect(rebuilt).toMatchObject({ person: 3, post: 0 });
	});

	const secretUrls = [
		`/posts/${secretPost.id}`,
		`/threads/${secretThread.id}`,
		`/threads/${secretThread.id}?at=${secretMessage.message.seq}`,
		`/kb/inquiries/${secretPage.path}`
	];

	it('shows a members-only department its own page, post, thread and message', async () => {
		const result = await search(investigator, { q: 'zanzibar' });
		const urls = result.hits.map((h) => h.url);
		for (const url of secretUrls) expect(urls).toContain(url);
		expect(result.counts).toMatchObject({ post: 2, page: 1, thread: 1, message: 1, comment: 1 });
	});

	it('never shows them to anyone else: not in hits, counts, later pages or suggestions', async () => {
		const result = await search(builder, { q: 'zanzibar' });
		expect(result.hits.map((h) => h.url).sort()).toEqual(
			[`/posts/${publicPost.id}`, expect.stringMatching(/^\/posts\/\d+#comment-\d+$/)].sort()
		);
		expect(result.counts).toEqual({ post: 1, comment: 1 });
		const small = await search(builder, { q: 'zanzibar', limit: 1 });
		const next = await search(builder, { q: 'zanzibar', limit: 1, cursor: small.nextCursor });
		expect([...small.hits, ...next.hits].map((h) => h.url)).not.toEqual(
			expect.arrayContaining(secretUrls.map((u) => expect.stringContaining(u)))
		);
		expect(next.nextCursor).toBeNull();
		for (const prefix of ['zan', 'zanzi', 'zanzibar']) {
			const suggestions = await suggestFor(builder, prefix);
			expect(suggestions.map((s) => s.url)).not.toEqual(expect.arrayContaining([secretUrls[0]]));
			for (const s of suggestions) expect(secretUrls).not.toContain(s.url);
		}
		// A filter on the hidden department is refused as if it did not exist.
		await expect(search(builder, { q: 'zanzibar', department: 'inquiries' })).rejects.toThrow(
			/does not exist/
		);
	});

	it('keeps the API to what the caller may see, with suggestions and counts', async () => {
		const outsider = await callApi(apiSearch, '/api/v1/search?q=zanzibar', builder);
		expect(outsider.status).toBe(200);
		const body = outsider.body as unknown as SearchResponse;
		expect(body.counts).toEqual({ post: 1, comment: 1 });
		for (const hit of body.hits) expect(secretUrls).not.toContain(hit.url);
		const typed = await callApi(
			apiSearch,
			'/api/v1/search?q=zanzibar&type=thread,message',
			builder
		);
		expect((typed.body as unknown as SearchResponse).hits).toEqual([]);
		const suggestions = await callApi(apiSuggest, '/api/v1/search/suggest?q=zanz', builder);
		expect(suggestions.status).toBe(200);
		for (const s of suggestions.body.suggestions as { url: string }[])
			expect(secretUrls).not.toContain(s.url);
		const insider = await callApi(apiSearch, '/api/v1/search?q=zanzibar&type=page', investigator);
		expect((insider.body as unknown as SearchResponse).hits.map((h) => h.url)).toEqual([
			`/kb/inquiries/${secretPage.path}`
		]);
		expect((await callApi(apiSearch, '/api/v1/search?q=zanzibar', null)).status).toBe(401);
	});

	it('filters by department (with its sub-departments) and by organisation-wide', async () => {
		const inWorks = await search(builder, { q: 'zanzibar', department: String(works.id) });
		expect(inWorks.hits.map((h) => h.kind).sort()).toEqual(['comment', 'post']);
		const inAgency = await search(builder, { q: 'zanzibar', department: 'agency' });
		expect(inAgency.hits).toHaveLength(2);
		const organisation = await search(builder, { q: 'procurement', department: 'organisation' });
		expect(organisation.hits.map((h) => h.url)).toEqual([
			`/kb/organisation/${procurementPage.path}`
		]);
	});
});

describe('matching and ranking', () => {
	it('finds titles and names despite a typo', async () => {
		const policy = await search(builder, { q: 'procuremnt' });
		expect(policy.mode).toBe('typo');
		expect(policy.hits[0]?.url).toBe(`/kb/organisation/${procurementPage.path}`);
		expect(policy.correctedQuery).toBe('procurement');
		expect(policy.notice).toBe('Nothing matched “procuremnt”; showing results for “procurement”.');
		const person = await search(builder, { q: 'Hanah Fischr' });
		expect(person.hits[0]).toMatchObject({
			kind: 'person',
			id: hannah.id,
			title: 'Hannah Fischer'
		});
	});

	it('ranks a title match above a body match', async () => {
		const body = await createPost(await as(builder), {
			audience: works.id,
			body: 'Gazebo gazebo gazebo: the gazebo budget covers every gazebo in the park.',
			announcement: false,
			attachmentIds: []
		});
		const titled = await newPage(db, {
			departmentId: works.id,
			title: 'Gazebo',
			body: 'Opening hours.',
			ownerId: builder.id
		});
		await index();
		const result = await search(builder, { q: 'gazebo' });
		expect(result.hits.map((h) => h.url)).toEqual([
			`/kb/works/${titled.path}`,
			`/posts/${body.id}`
		]);
		expect(result.hits[0]!.titleHtml).toBe('<mark>Gazebo</mark>');
		expect(result.hits[1]!.snippetHtml).toContain('<mark>gazebo</mark>');
	});

	it('understands quotes, minus and or, and stems words', async () => {
		expect((await search(builder, { q: '"zanzibar bridge"' })).hits).toHaveLength(1);
		expect((await search(builder, { q: '"bridge zanzibar"' })).hits).toHaveLength(0);
		// Hyphenated, the words are found as written apart.
		expect((await search(builder, { q: 'zanzibar-bridge' })).hits).toHaveLength(1);
		expect((await search(builder, { q: 'zanzibar -bridge' })).hits.map((h) => h.kind)).toEqual([
			'comment'
		]);
		expect((await search(builder, { q: 'gazebo or bridge' })).hits.length).toBeGreaterThan(2);
		expect((await search(builder, { q: 'policies procured' })).hits[0]?.title).toBe(
			'Procurement policy'
		);
	});

	it('leaves out a page whose title matches when its text holds an excluded word', async () => {
		const excluded = await newPage(db, {
			departmentId: works.id,
			title: 'Pergola guide',
			body: 'How to order a pergola through a purchase order.',
			ownerId: builder.id
		});
		const kept = await newPage(db, {
			departmentId: works.id,
			title: 'Pergola care',
			body: 'Oil it every spring.',
			ownerId: builder.id
		});
		await index();
		const result = await search(builder, { q: 'pergola -purchase' });
		expect(result.hits.map((h) => h.url)).toEqual([`/kb/works/${kept.path}`]);
		expect(result.counts).toEqual({ page: 1 });
		const pagesOnly = await search(builder, { q: 'pergola -purchase', type: 'page' });
		expect(pagesOnly.hits.map((h) => h.url)).toEqual([`/kb/works/${kept.path}`]);
		expect(pagesOnly.counts).toEqual({ page: 1 });
		expect((await search(builder, { q: 'pergola' })).hits.map((h) => h.url)).toContain(
			`/kb/works/${excluded.path}`
		);
	});

	it('suggests as you type, from a prefix', async () => {
		const suggestions = await suggestFor(builder, 'procu');
		expect(suggestions[0]).toMatchObject({ kind: 'page', label: 'Procurement policy' });
		expect(suggestions[0]!.labelHtml).toBe('<mark>Procurement</mark> policy');
		expect((await suggestFor(builder, 'procureme'))[0]?.label).toBe('Procurement policy');
		expect((await suggestFor(builder, 'hannah fis'))[0]).toMatchObject({ kind: 'person' });
	});

	it('escapes user text in snippets: only the highlight is markup', async () => {
		await createPost(await as(builder), {
			audience: works.id,
			body: 'Quokka <script>alert("x")</script> & <b>bold</b>',
			announcement: false,
			attachmentIds: []
		});
		await index();
		const [hit] = (await search(builder, { q: 'quokka' })).hits;
		expect(hit!.snippetHtml).not.toMatch(/<(?!\/?mark>)/);
		expect(hit!.snippetHtml).toContain('<mark>Quokka</mark>');
		expect(hit!.snippetHtml).toContain('&lt;script');
		expect(hit!.snippetHtml).toContain('&amp;');
	});

	it('pages through many equal matches without repeats or gaps', async () => {
		for (let i = 0; i < 23; i++)
			await createPost(await as(builder), {
				audience: works.id,
				body: `Wombat count ${i}`,
				announcement: false,
				attachmentIds: []
			});
		await index();
		const seen: number[] = [];
		let cursor: string | undefined;
		for (let i = 0; i < 10; i++) {
			const page = await search(builder, { q: 'wombat', limit: 5, cursor });
			seen.push(...page.hits.map((h) => h.id));
			if (!page.nextCursor) break;
			cursor = page.nextCursor;
		}
		expect(seen).toHaveLength(23);
		expect(new Set(seen).size).toBe(23);
	});
});

describe('keeping up with writes', () => {
	it('re-indexes edits and removes deleted posts with their comments', async () => {
		const post = await createPost(await as(builder), {
			audience: works.id,
			body: 'Aardvark sighting',
			announcement: false,
			attachmentIds: []
		});
		await addComment(await as(hannah), post.id, { body: 'An aardvark, really?' });
		await index();
		expect((await search(builder, { q: 'aardvark' })).counts).toEqual({ post: 1, comment: 1 });
		await editPost(await as(builder), post.id, { body: 'Armadillo sighting' });
		await index();
		expect((await search(builder, { q: 'armadillo' })).hits).toHaveLength(1);
		expect((await search(builder, { q: 'aardvark' })).counts).toEqual({ comment: 1 });
		await deletePost(await as(builder), post.id);
		await index();
		expect((await search(builder, { q: 'aardvark armadillo or' })).hits).toEqual([]);
	});

	it('writes the outbox row in the same transaction as the content', async () => {
		await expect(
			db.transaction().execute(async (trx) => {
				await enqueueSearchIndex(trx, [{ kind: 'page', id: 999_999 }]);
				throw new Error('the page write failed');
			})
		).rejects.toThrow('the page write failed');
		const { rows } = await sql<{ n: number }>`
			select count(*)::int as n from search_outbox where source_id = 999999
		`.execute(db);
		expect(rows[0]!.n).toBe(0);
	});
});

describe('bad input', () => {
	const inputs = [
		'',
		'   ',
		'x'.repeat(5000),
		'"unbalanced quote',
		'"',
		'the and of',
		"'; drop table users; --",
		'🎉🦘',
		'-',
		'or',
		'***',
		'zanzibar:*',
		'!(&|)<->',
		'\\',
		'%_%'
	];

	it.each(inputs)('answers %j with 200 and a body, never a 500', async (q) => {
		for (const handler of [apiSearch, apiSuggest]) {
			const path = `/api/v1/search${handler === apiSuggest ? '/suggest' : ''}`;
			const { status, body } = await callApi(
				handler,
				`${path}?q=${encodeURIComponent(q)}`,
				builder
			);
			expect(status).toBe(200);
			expect(body).toBeTypeOf('object');
		}
	});

	it('refuses a NUL character with 400 and a message (every parsed input does), never a 500', async () => {
		for (const handler of [apiSearch, apiSuggest]) {
			const path = `/api/v1/search${handler === apiSuggest ? '/suggest' : ''}`;
			const { status, body } = await callApi(
				handler,
				`${path}?q=${encodeURIComponent('\u0000nul')}`,
				builder
			);
			expect(status).toBe(400);
			expect(JSON.stringify(body)).toMatch(/NUL/);
		}
	});

	it('says why nothing was searched', async () => {
		expect((await search(builder, { q: '' })).notice).toMatch(/Type a word/);
		expect((await search(builder, { q: 'the and of' })).notice).toMatch(/too common/);
		expect((await search(builder, { q: '🎉' })).notice).toMatch(/symbols/);
		const long = await search(builder, { q: `zanzibar ${'y'.repeat(5000)}` });
		// Cut between words: the 5,000-letter word is left out whole.
		expect(long.query).toBe('zanzibar');
		expect(long.notice).toMatch(/first 200 characters/);
	});

	it('refuses a forged cursor or an unknown type with a 400', async () => {
		for (const query of ['cursor=bm9wZQ', 'type=secrets', 'department=no%20such', 'limit=5000']) {
			const { status, body } = await callApi(apiSearch, `/api/v1/search?q=x&${query}`, builder);
			expect(status).toBe(400);
			expect(body).toHaveProperty('error.code', 'bad_request');
		}
		// Still users afterwards: the "drop table" above was only ever a search.
		const { rows } = await sql<{ n: number }>`select count(*)::int as n from users`.execute(db);
		expect(rows[0]!.n).toBeGreaterThan(0);
	});
});
