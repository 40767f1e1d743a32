/**
 * The knowledge-page JSON API against the built app: create, revise, a conflicting save answered
 * 409 with the other version and a diff (nothing written), history, diff, restore, move,
 * governance, preview; refusals for people outside the space, members-only spaces never leaking,
 * and bad input answered with messages.
 */
import { randomBytes } from 'node:crypto';
import type { APIRequestContext, PlaywrightWorkerArgs } from '@playwright/test';
import { sessionCookie } from './auth.ts';
import { expect, test } from './fixtures.ts';

type Playwright = PlaywrightWorkerArgs['playwright'];

const jamal = 'jamal.hassan@commons.test'; // Transport
const hannah = 'hannah.fischer@commons.test'; // the Chief Executive's office
const zara = 'zara.ahmed@commons.test'; // Investigations (members-only)

const unique = (text: string) => `${text} ${randomBytes(3).toString('hex')}`;

/** Headers for requests made as `email`, signed in from a request context of its own. */
async function as(
	playwright: Playwright,
	baseURL: string,
	email: string
): Promise<Record<string, string>> {
	const signIn: APIRequestContext = await playwright.request.newContext({ baseURL });
	try {
		return { cookie: await sessionCookie(signIn, baseURL, email), origin: baseURL };
	} finally {
		await signIn.dispose();
	}
}

test('pages: create, revise, conflict without loss, history, diff, restore, move', async ({
	request,
	playwright,
	baseURL
}) => {
	const jamalHeaders = await as(playwright, baseURL!, jamal);
	const hannahHeaders = await as(playwright, baseURL!, hannah);
	const title = unique('Bus lane enforcement');

	const created = await request.post('/api/v1/pages', {
		headers: jamalHeaders,
		data: { space: 'transport', title, body: '# Scope\n\nCameras on all routes.\n' }
	});
	expect(created.status(), await created.text()).toBe(201);
	const page = await created.json();
	expect(created.headers()['location']).toBe(`/api/v1/pages/${page.id}`);
	expect(page).toMatchObject({ title, revision: 1, space: { slug: 'transport' } });
	expect(page.bodyHtml).toContain('<h2 id="h-scope">Scope</h2>');
	expect(page.toc).toEqual([{ level: 2, id: 'h-scope', text: 'Scope' }]);

	const taken = await request.post('/api/v1/pages', {
		headers: jamalHeaders,
		data: { space: 'transport', title, body: 'Again' }
	});
	expect(taken.status()).toBe(400);
	expect((await taken.json()).error.fields.slug).toMatch(/taken/);

	// Hannah reads Transport's pages but may not write them.
	const refused = await request.put(`/api/v1/pages/${page.id}`, {
		headers: hannahHeaders,
		data: { title, body: 'Hannah was here', baseRevision: 1 }
	});
	expect(refused.status()).toBe(403);

	const second = await request.put(`/api/v1/pages/${page.id}`, {
		headers: jamalHeaders,
		data: {
			title,
			body: '# Scope\n\nCameras on routes 1 to 9.\n',
			summary: 'Narrowed',
			baseRevision: 1
		}
	});
	expect(second.status(), await second.text()).toBe(200);
	expect((await second.json()).revision).toBe(2);

	// A save that started from revision 1 meets revision 2: 409, their text back, nothing written.
	const stale = await request.put(`/api/v1/pages/${page.id}`, {
		headers: jamalHeaders,
		data: { title, body: '# Scope\n\nCameras everywhere.\n', baseRevision: 1 }
	});
	expect(stale.status()).toBe(409);
	const conflict = (await stale.json()).error;
	expect(conflict).toMatchObject({
		code: 'conflict',
		current: { revision: 2, bodySource: '# Scope\n\nCameras on routes 1 to 9.\n' }
	});
	expect(conflict.diff.parts).toContainEqual({ kind: 'added', text: 'Cameras everywhere.\n' });
	const history = await (
		await request.get(`/api/v1/pages/${page.id}/revisions`, { headers: jamalHeaders })
	).json();
	expect(history.revisions.map((r: { number: number }) => r.number)).toEqual([2, 1]);
	expect(history.revisions[0]).toMatchObject({
		summary: 'Narrowed',
		author: { name: 'Jamal Hassan' }
	});

	const diff = await (
		await request.get(`/api/v1/pages/${page.id}/diff?from=1&to=2`, { headers: hannahHeaders })
	).json();
	expect(diff).toMatchObject({ added: 1, removed: 1 });

	const restored = await request.post(`/api/v1/pages/${page.id}/revisions/1/restore`, {
		headers: jamalHeaders,
		data: { baseRevision: 2 }
	});
	expect(restored.status(), await restored.text()).toBe(200);
	expect(await restored.json()).toMatchObject({
		revision: 3,
		bodySource: '# Scope\n\nCameras on all routes.\n'
	});
	const third = await (
		await request.get(`/api/v1/pages/${page.id}/revisions/3`, { headers: jamalHeaders })
	).json();
	expect(third).toMatchObject({ restoredFrom: 1 });

	// A child page, then moving the parent under it is refused with a field message.
	const child = await (
		await request.post('/api/v1/pages', {
			headers: jamalHeaders,
			data: {
				space: 'transport',
				title: unique('Appeals'),
				body: 'How to appeal.',
				parentId: page.id
			}
		})
	).json();
	expect(child.breadcrumbs).toEqual([{ id: page.id, title, href: page.href }]);
	const loop = await request.post(`/api/v1/pages/${page.id}/move`, {
		headers: jamalHeaders,
		data: { parentId: child.id }
	});
	// Jamal is not the manager of Transport, but he owns the page he created.
	expect(loop.status()).toBe(400);
	expect((await loop.json()).error.fields.parentId).toBeTruthy();

	const preview = await request.post('/api/v1/pages/preview', {
		headers: jamalHeaders,
		data: { space: 'transport', body: `See [[${title}]] and <script>alert(1)</script>` }
	});
	const rendered = await preview.json();
	expect(rendered.html).toContain(`href="${page.href}" class="wiki-link"`);
	expect(rendered.html).not.toContain('<script');

	const review = await request.put(`/api/v1/pages/${page.id}/governance`, {
		headers: jamalHeaders,
		data: { ownerId: page.owner.id, reviewBy: '2020-02-29' }
	});
	expect(review.status(), await review.text()).toBe(200);
	expect(await review.json()).toMatchObject({ overdue: true, reviewBy: '2020-02-29' });
	const badDate = await request.put(`/api/v1/pages/${page.id}/verification`, {
		headers: jamalHeaders,
		data: { verifiedUntil: 'next tuesday' }
	});
	expect(badDate.status()).toBe(400);
	expect((await badDate.json()).error.fields.verifiedUntil).toMatch(/date/);
});

test('members-only spaces never leak through the API; bad input gets a message', async ({
	request,
	playwright,
	baseURL
}) => {
	const zaraHeaders = await as(playwright, baseURL!, zara);
	const hannahHeaders = await as(playwright, baseURL!, hannah);
	const title = unique('Witness interview protocol');
	const created = await request.post('/api/v1/pages', {
		headers: zaraHeaders,
		data: { space: 'investigations', title, body: 'Confidential.' }
	});
	expect(created.status(), await created.text()).toBe(201);
	const secret = await created.json();

	// A file uploaded for the page and linked from its text is the page's: members only.
	const pixel = Buffer.from(
		'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
		'base64'
	);
	const uploaded = await request.post('/files', {
		headers: zaraHeaders,
		multipart: { file: { name: 'floor-plan.png', mimeType: 'image/png', buffer: pixel } }
	});
	expect(uploaded.status(), await uploaded.text()).toBe(201);
	const file = (await uploaded.json()).attachments[0];
	const withFile = await request.put(`/api/v1/pages/${secret.id}`, {
		headers: zaraHeaders,
		data: { title, body: `Confidential.\n\n![Floor plan](${file.url})`, baseRevision: 1 }
	});
	expect(withFile.status(), await withFile.text()).toBe(200);
	expect((await withFile.json()).attachments).toEqual([
		expect.objectContaining({ fileName: 'floor-plan.png', url: file.url })
	]);
	expect((await request.get(file.url, { headers: zaraHeaders })).status()).toBe(200);
	expect((await request.get(file.url, { headers: hannahHeaders })).status()).toBe(404);

	for (const path of [
		`/api/v1/pages/${secret.id}`,
		`/api/v1/pages/${secret.id}/revisions`,
		`/api/v1/pages/${secret.id}/revisions/1`,
		'/api/v1/pages?space=investigations'
	]) {
		const response = await request.get(path, { headers: hannahHeaders });
		expect(response.status(), path).toBe(404);
	}
	const list = await (
		await request.get('/api/v1/pages?limit=100', { headers: hannahHeaders })
	).json();
	expect(list.pages.map((p: { id: number }) => p.id)).not.toContain(secret.id);
	const write = await request.post('/api/v1/pages', {
		headers: hannahHeaders,
		data: { space: 'investigations', title: 'Probe', body: 'x' }
	});
	expect(write.status()).toBe(404);

	const empty = await request.post('/api/v1/pages', {
		headers: hannahHeaders,
		data: { space: 'agency', title: '  ', body: 'x'.repeat(100_001) }
	});
	expect(empty.status()).toBe(400);
	const fields = (await empty.json()).error.fields;
	expect(fields.title).toBe('Give the page a title.');
	expect(fields.body).toMatch(/at most 100,000/);
	const notJson = await request.post('/api/v1/pages', {
		headers: { ...hannahHeaders, 'content-type': 'text/plain' },
		data: 'title=x'
	});
	expect(notJson.status()).toBe(400);
});
