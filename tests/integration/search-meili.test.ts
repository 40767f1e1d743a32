/**
 * The Meilisearch engine against a real Meilisearch, run only when MEILI_URL is set:
 *
 *   docker run -p 7700:7700 -e MEILI_MASTER_KEY=test-master-key getmeili/meilisearch:v1.16
 *   MEILI_URL=http://127.0.0.1:7700 MEILI_API_KEY=test-master-key npx vitest run search-meili
 *
 * Each run uses an index of its own (deleted afterwards). The same content as the PostgreSQL
 * tests, indexed through the same outbox: members-only content never leaks into hits or facet
 * counts, typos are forgiven, a title match ranks above a body match, deletes leave the index.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RequestContext } from '../../src/lib/server/context.ts';
import { createPost, deletePost } from '../../src/lib/server/feeds/post.service.ts';
import { drainSearchOutbox } from '../../src/lib/server/search/index-outbox.ts';
import { createMeiliEngine } from '../../src/lib/server/search/meili-engine.ts';
import type { EngineSearch, ViewerFilter } from '../../src/lib/server/search/search-engine.ts';
import { viewerOf } from '../../src/lib/server/search/search.service.ts';
import { contextFor, newDepartment, newUser } from '../factories.ts';
import { createTestDatabase } from './database.ts';
import { newPage } from './search-fixtures.ts';

const MEILI_URL = process.env.MEILI_URL;

const enabled = Boolean(MEILI_URL);
// Created only when the tests run: a skipped file must not need Meilisearch or a database.
const { db } = enabled ? await createTestDatabase() : { db: undefined as never };
const engine = createMeiliEngine({
	url: MEILI_URL ?? 'http://127.0.0.1:7700',
	apiKey: process.env.MEILI_API_KEY,
	index: `commons_test_${randomBytes(4).toString('hex')}`
});
const as = (user: { id: number }): Promise<RequestContext> => contextFor(db, user.id);
const viewer = async (user: { id: number }): Promise<ViewerFilter> =>
	viewerOf((await as(user)).actor!);
const search = async (user: { id: number }, text: string, more: Partial<EngineSearch> = {}) =>
	engine.search(db, {
		text,
		viewer: await viewer(user),
		kinds: [],
		departmentIds: null,
		after: null,
		limit: 20,
		...more
	});
const post = (user: { id: number }, audience: number, body: string) =>
	as(user).then((ctx) =>
		createPost(ctx, { audience, body, announcement: false, attachmentIds: [] })
	);

describe.skipIf(!enabled)('Meilisearch engine', () => {
	let builder: { id: number };
	let investigator: { id: number };
	let secret: { id: number };
	let open: { id: number };

	beforeAll(async () => {
		await engine.prepare();
		const works = await newDepartment(db, { slug: 'works', name: 'Works' });
		const inquiries = await newDepartment(db, {
			slug: 'inquiries',
			name: 'Inquiries',
			visibility: 'members-only'
		});
		builder = await newUser(db, { departmentId: works.id, name: 'Bob Builder' });
		investigator = await newUser(db, { departmentId: inquiries.id, name: 'Ivy Investigator' });
		secret = await post(investigator, inquiries.id, 'Zanzibar ledger is confidential');
		await newPage(db, {
			departmentId: inquiries.id,
			title: 'Zanzibar case file',
			body: 'Hidden.',
			ownerId: investigator.id
		});
		open = await post(builder, works.id, 'The zanzibar bridge is open: zanzibar zanzibar');
		await newPage(db, {
			departmentId: works.id,
			title: 'Zanzibar',
			body: 'Opening hours.',
			ownerId: builder.id
		});
		await newPage(db, {
			departmentId: null,
			title: 'Procurement policy',
			body: 'How we buy.',
			ownerId: builder.id
		});
		await engine.rebuild(db);
		await drainSearchOutbox(db, engine);
	});
	afterAll(async () => {
		await engine.index.delete().waitTask();
	});

	it('keeps members-only content out of hits and facet counts', async () => {
		const outsider = await search(builder, 'zanzibar');
		expect(outsider.counts).toEqual({ post: 1, page: 1 });
		expect(outsider.hits.map((h) => h.url)).not.toContain(`/posts/${secret.id}`);
		const insider = await search(investigator, 'zanzibar');
		expect(insider.counts).toEqual({ post: 2, page: 2 });
		const suggestions = await engine.suggest(db, {
			text: 'zanz',
			viewer: await viewer(builder),
			limit: 8
		});
		for (const s of suggestions) expect(s.url).not.toBe(`/posts/${secret.id}`);
	});

	it('ranks a title match above a body match and forgives typos', async () => {
		const result = await search(builder, 'zanzibar');
		expect(result.hits[0]).toMatchObject({ kind: 'page', title: 'Zanzibar' });
		expect(result.hits[1]?.url).toBe(`/posts/${open.id}`);
		expect((await search(builder, 'procuremnt')).hits[0]?.title).toBe('Procurement policy');
	});

	it('filters by kind and pages with a cursor', async () => {
		const pages = await search(builder, 'zanzibar', { kinds: ['page'] });
		expect(pages.hits.map((h) => h.kind)).toEqual(['page']);
		const first = await search(builder, 'zanzibar', { limit: 1 });
		const second = await search(builder, 'zanzibar', { limit: 1, after: first.next });
		expect(second.hits[0]?.url).not.toBe(first.hits[0]?.url);
	});

	it('removes deleted content through the outbox', async () => {
		await deletePost(await as(builder), open.id);
		await drainSearchOutbox(db, engine);
		expect((await search(builder, 'zanzibar')).counts).toEqual({ page: 1 });
	});
});
