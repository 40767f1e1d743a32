/**
 * Injection and XSS (issue 10): a corpus of 150+ well-known payloads (tests/e2e/xss-payloads.ts)
 * goes through every place that shows text people typed (posts, comments, thread messages,
 * knowledge pages and their titles, memos with their attestation and question, profile and
 * person fields, department names and descriptions, file names, search snippets), then each
 * place is opened in Chromium. The test fails if any dialog opens, any payload's code runs
 * (alert, confirm, prompt, print or `window.__xss` are trapped before the page loads), any
 * element carries an inline event handler, any link or frame points at `javascript:`, `data:`
 * or `vbscript:`, or any script, frame, object or embed appears that the app did not put there.
 * SQL metacharacters go through the same fields and the search and directory query strings.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { APIRequestContext, Page } from '@playwright/test';
import { signIn } from './auth.ts';
import { expect, expectAccessible, test, visit } from './fixtures.ts';
import { linePayloads, SQL_PAYLOADS, XSS_PAYLOADS } from './xss-payloads.ts';

const hannah = 'hannah.fischer@commons.test'; // Agency (the root department)
const MARKER = `xsszebra${randomBytes(3).toString('hex')}`;

/** The corpus in chunks of `size`, each chunk one text (paragraphs apart) with the marker. */
function chunks(size: number, payloads: readonly string[] = XSS_PAYLOADS): string[] {
	const out: string[] = [];
	for (let i = 0; i < payloads.length; i += size)
		out.push([MARKER, ...payloads.slice(i, i + size)].join('\n\n'));
	return out;
}

/** Single-line payloads packed into strings of at most `max` characters. */
function lines(max: number): string[] {
	const out: string[] = [];
	let current = '';
	for (const payload of linePayloads(max - 2)) {
		if (current && current.length + payload.length + 1 > max) {
			out.push(current);
			current = '';
		}
		current = current ? `${current} ${payload}` : payload;
	}
	if (current) out.push(current);
	return out;
}

/** Traps every way a payload could show it ran, before any of the page's own scripts. */
async function armTraps(page: Page): Promise<string[]> {
	const dialogs: string[] = [];
	page.on('dialog', async (dialog) => {
		dialogs.push(`${dialog.type()}: ${dialog.message()}`);
		await dialog.dismiss();
	});
	await page.addInitScript(() => {
		const w = window as unknown as Record<string, unknown>;
		const hit = (name: string) => () => {
			w.__xssHits = [...((w.__xssHits as string[]) ?? []), name];
		};
		for (const name of ['alert', 'confirm', 'prompt', 'print']) w[name] = hit(name);
	});
	return dialogs;
}

/** Everything on the page that would be a hole, as a list of findings (empty: inert). */
async function holes(page: Page): Promise<string[]> {
	return page.evaluate(() => {
		const found: string[] = [];
		const w = window as unknown as Record<string, unknown>;
		if (w.__xss !== undefined) found.push(`window.__xss was set to ${String(w.__xss)}`);
		for (const hit of (w.__xssHits as string[]) ?? []) found.push(`${hit}() was called`);
		const bad = /^\s*(javascript|vbscript|data):/i;
		for (const el of Array.from(document.querySelectorAll('*'))) {
			for (const attr of Array.from(el.attributes)) {
				if (/^on/i.test(attr.name))
					found.push(`<${el.tagName.toLowerCase()} ${attr.name}="${attr.value}">`);
				if (
					['href', 'src', 'action', 'formaction', 'xlink:href', 'data', 'srcdoc'].includes(
						attr.name.toLowerCase()
					) &&
					(bad.test(attr.value) || attr.name === 'srcdoc')
				)
					found.push(`<${el.tagName.toLowerCase()} ${attr.name}="${attr.value.slice(0, 60)}">`);
			}
		}
		for (const el of Array.from(document.querySelectorAll('iframe, object, embed, base, frame')))
			found.push(`a <${el.tagName.toLowerCase()}> element`);
		for (const el of Array.from(document.querySelectorAll('script')))
			if (!el.hasAttribute('nonce') && el.type !== 'application/json')
				found.push(`a script without the page's nonce: ${el.outerHTML.slice(0, 80)}`);
		for (const el of Array.from(document.querySelectorAll('meta[http-equiv]')))
			if (/refresh/i.test(el.getAttribute('http-equiv') ?? ''))
				found.push('a <meta http-equiv="refresh">');
		return found;
	});
}

async function expectInert(page: Page, dialogs: string[], place: string, path: string) {
	await visit(page, path);
	// Give deferred handlers (onload of late images, animations, autofocus) a moment to fire.
	await page.waitForTimeout(300);
	expect([...dialogs, ...(await holes(page))], `${place} (${path}) is inert`).toEqual([]);
	// The payloads are shown as text, not dropped: the marker at least is on the page.
	await expect(page.getByText(MARKER).first(), `${place} shows the text`).toBeAttached();
}

/** What the test reads back from the objects it creates. */
type Created = { id: number; path: string; attachments: { id: number }[] };

async function ok(
	response: Awaited<ReturnType<APIRequestContext['post']>>,
	what: string
): Promise<Created> {
	expect(response.status(), `${what}: ${await response.text()}`).toBeLessThan(300);
	return (await response.json()) as Created;
}

test('150+ XSS payloads and markdown tricks render inert everywhere text is shown', async ({
	page,
	browser,
	baseURL
}) => {
	test.setTimeout(300_000);
	expect(XSS_PAYLOADS.length).toBeGreaterThanOrEqual(150);
	const dialogs = await armTraps(page);
	await signIn(page, hannah);
	const api = page.request;
	const headers = { origin: baseURL! };
	const me = await (await api.get('/api/v1/me')).json();
	const agency = me.department.id as number;

	// Posts, one with files whose names are payloads; comments on it.
	const files: { id: number }[] = [];
	for (const name of linePayloads(100).slice(0, 10)) {
		const upload = await api.post('/files', {
			headers,
			multipart: {
				file: { name: `${name}.txt`, mimeType: 'text/plain', buffer: Buffer.from(MARKER) }
			}
		});
		files.push(...(await ok(upload, `upload ${name}`)).attachments);
	}
	const posts: Created[] = [];
	for (const [i, body] of chunks(10).entries())
		posts.push(
			await ok(
				await api.post('/api/v1/posts', {
					headers,
					data: {
						body,
						audience: agency,
						attachmentIds: i === 0 ? files.map((f) => f.id) : []
					}
				}),
				'post'
			)
		);
	const post = posts[0]!;
	for (const body of chunks(10))
		await ok(
			await api.post(`/api/v1/posts/${post.id}/comments`, { headers, data: { body } }),
			'comment'
		);

	// A thread whose title is a payload, with the corpus as messages.
	const thread = await ok(
		await api.post('/api/v1/threads', {
			headers,
			data: { title: `${MARKER} <img src=x onerror=alert(1)>`, home: 'organisation' }
		}),
		'thread'
	);
	for (const body of chunks(40))
		await ok(
			await api.post(`/api/v1/threads/${thread.id}/messages`, {
				headers,
				data: { body, clientKey: randomUUID() }
			}),
			'message'
		);

	// Knowledge pages: the corpus as a body (with wiki links to payloads), payloads as titles.
	const bodyPage = await ok(
		await api.post('/api/v1/pages', {
			headers,
			data: {
				space: 'agency',
				title: `${MARKER} body`,
				body: `${chunks(200)[0]}\n\n${linePayloads(80)
					.slice(0, 20)
					.map((p) => `[[${p.replace(/[[\]]/g, '')}]]`)
					.join('\n\n')}`
			}
		}),
		'page'
	);
	for (const title of lines(190))
		await ok(
			await api.post('/api/v1/pages', {
				headers,
				data: {
					space: 'agency',
					// Page titles refuse [ ] and | (wiki-link syntax): the rest of the payload goes in.
					title: `${MARKER} ${title.replace(/[[\]|]/g, '')}`.slice(0, 200),
					body: MARKER
				}
			}),
			'page title'
		);

	// Profile bio; a person and departments named with payloads (as the administrator).
	const profile = await page.request.post('/profile?/profile', {
		headers: { ...headers, accept: 'application/json' },
		form: { bio: chunks(40)[0]!.slice(0, 1990) }
	});
	expect(profile.status()).toBe(200);

	const adminContext = await browser.newContext({ baseURL });
	const admin = await adminContext.newPage();
	const adminDialogs = await armTraps(admin);
	await signIn(admin, 'admin@commons.test');
	const departmentSlugs: string[] = [];
	for (const [i, name] of lines(110).slice(0, 12).entries()) {
		const slug = `xss-${MARKER.slice(-6)}-${i}`;
		departmentSlugs.push(slug);
		const created = await admin.request.post('/admin/departments?/create', {
			headers: { ...headers, accept: 'application/json' },
			form: {
				name: `${MARKER} ${name}`.slice(0, 120),
				slug,
				description: chunks(20)[i % 8]!.slice(0, 1990),
				parentId: String(agency),
				visibility: 'organisation'
			}
		});
		expect(created.status(), await created.text()).toBe(200);
		expect(await created.text()).not.toContain('"type":"failure"');
	}
	const person = await admin.request.post('/admin/people?/create', {
		headers: { ...headers, accept: 'application/json' },
		form: {
			name: `${MARKER} <svg onload=alert(1)>`,
			email: `${MARKER}@commons.test`,
			title: '"><img src=x onerror=alert(1)>',
			departmentId: String(agency),
			bio: chunks(40)[1]!.slice(0, 1990)
		}
	});
	expect(person.status(), await person.text()).toBe(200);

	// Memos from the communications team to Agency: payloads in every text a memo has.
	const commsContext = await browser.newContext({ baseURL });
	const comms = await commsContext.newPage();
	const commsDialogs = await armTraps(comms);
	await signIn(comms, 'comms@commons.test');
	const commsDepartment = (await (await comms.request.get('/api/v1/me')).json()).department.id;
	const memoIds: number[] = [];
	for (const [i, title] of lines(190).slice(0, 4).entries()) {
		const memo = await ok(
			await comms.request.post('/api/v1/memos', {
				headers,
				data: {
					title: `${MARKER} ${title}`.slice(0, 200),
					body: chunks(200)[0],
					category: 'notice',
					issuingDepartmentId: commsDepartment,
					dueOn: new Date(Date.now() + 5 * 86_400_000).toISOString().slice(0, 10),
					attestation: linePayloads(200)[i],
					question:
						i === 0
							? {
									prompt: '<img src=x onerror=alert(1)>',
									options: ['<svg onload=alert(1)>', '[x](javascript:alert(1))'],
									answer: 0,
									explanation: '<script>alert(1)</script>'
								}
							: null,
					audience: [{ kind: 'department', departmentId: agency, includeSub: false }]
				}
			}),
			'memo'
		);
		await ok(
			await comms.request.post(`/api/v1/memos/${memo.id}/publish`, { headers, data: {} }),
			'publish'
		);
		memoIds.push(memo.id);
	}

	// Every place, opened: Hannah's views, the administrator's, the issuer's.
	await expectInert(page, dialogs, 'the feed', '/feed');
	await expectInert(page, dialogs, 'a department feed', '/d/agency');
	await expectInert(page, dialogs, 'a post with comments and files', `/posts/${post.id}`);
	await expectInert(page, dialogs, 'a thread', `/threads/${thread.id}`);
	await expectInert(page, dialogs, 'the threads list', '/threads');
	await expectInert(page, dialogs, 'a knowledge page', `/kb/agency/${bodyPage.path}`);
	await expectInert(page, dialogs, 'a knowledge space', '/kb/agency');
	await expectInert(page, dialogs, 'a memo', `/memos/${memoIds[0]}`);
	await expectInert(page, dialogs, 'the memos page', '/memos');
	await expectInert(page, dialogs, 'my profile', '/profile');
	await expectInert(page, dialogs, 'my public profile', `/people/${me.id}`);
	await expectInert(page, dialogs, 'the directory', `/people?query=${MARKER}`);
	await expectInert(page, dialogs, 'a payload department', `/d/${departmentSlugs[0]}`);
	await expectInert(page, dialogs, 'the department list', '/d');
	await expectInert(admin, adminDialogs, 'the departments admin', '/admin/departments');
	await expectInert(admin, adminDialogs, 'the people admin', `/admin/people?q=${MARKER}`);
	await expectInert(comms, commsDialogs, 'the memo report', `/memos/${memoIds[0]}/report`);

	// Search snippets, once the index has caught up with the writes.
	await expect
		.poll(
			async () => (await (await api.get(`/api/v1/search?q=${MARKER}`)).json()).hits?.length ?? 0,
			{ timeout: 30_000 }
		)
		.toBeGreaterThan(3);
	await expectInert(page, dialogs, 'search results', `/search?q=${MARKER}`);
	await expectAccessible(page);
});

test('SQL metacharacters in fields and query strings are only text', async ({ page, baseURL }) => {
	await signIn(page, hannah);
	const headers = { origin: baseURL! };
	const me = await (await page.request.get('/api/v1/me')).json();
	for (const payload of SQL_PAYLOADS) {
		for (const path of [
			`/api/v1/search?q=${encodeURIComponent(payload)}`,
			`/api/v1/search/suggest?q=${encodeURIComponent(payload)}`,
			`/api/v1/people?query=${encodeURIComponent(payload)}`,
			`/api/v1/feed?cursor=${encodeURIComponent(payload)}`
		]) {
			const response = await page.request.get(path);
			expect(response.status(), `${path}: ${await response.text()}`).toBeLessThan(500);
		}
		const post = await page.request.post('/api/v1/posts', {
			headers,
			data: { body: `${MARKER} ${payload}`, audience: me.department.id }
		});
		expect(post.status(), await post.text()).toBe(201);
		expect((await post.json()).bodySource).toBe(`${MARKER} ${payload}`);
	}
	// The people table is intact: the directory still lists everyone it listed.
	const people = await (await page.request.get('/api/v1/people')).json();
	expect(people.people.length).toBeGreaterThan(10);
	await visit(page, `/search?q=${encodeURIComponent(SQL_PAYLOADS[1]!)}`);
	await expect(page.getByRole('heading', { level: 1, name: 'Search' })).toBeVisible();
});
