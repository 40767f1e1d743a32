/**
 * The authorisation matrix (tests/e2e/authorization-matrix.ts) against the running app: every
 * page, form action, endpoint, OpenAPI operation and client-to-server socket event, as five
 * personas, on objects the test creates in a members-only department. The route tree, the
 * OpenAPI document and the socket event map are read from the source, so anything added
 * without a declared expectation fails the first test.
 */
import fs from 'node:fs';
import type { APIRequestContext, APIResponse } from '@playwright/test';
import { io, type Socket } from 'socket.io-client';
import { sessionCookie } from './auth.ts';
import { MATRIX, PERSONAS, type Cell, type Persona } from './authorization-matrix.ts';
import { expect, expectAccessible, test } from './fixtures.ts';
import { openApiProbes, probes, type OpenApiDocument } from './route-tree.ts';

const ACCOUNTS: Record<Exclude<Persona, 'anonymous'>, string> = {
	'other staff': 'jamal.hassan@commons.test',
	'same staff': 'paul.murphy@commons.test',
	manager: 'zara.ahmed@commons.test',
	admin: 'admin@commons.test'
};

/** `/posts/[id=id]` and `/posts/{id}` both become `/posts/{id}`. */
function normalise(route: string): string {
	return route.replace(/\[\.\.\.(\w+)\]/g, '{...$1}').replace(/\[\[?(\w+)(=\w+)?\]?\]/g, '{$1}');
}

function socketEvents(): string[] {
	const source = fs.readFileSync('src/lib/shared/realtime-events.ts', 'utf8');
	const block = source.match(/interface ClientToServerEvents\s*\{([\s\S]*?)\n\}/)?.[1] ?? '';
	return [...block.matchAll(/^\t'?([\w:-]+)'?:/gm)].map((m) => m[1]!);
}

async function declaredKeys(request: APIRequestContext): Promise<string[]> {
	const keys = new Set<string>();
	for (const probe of probes())
		keys.add(
			`${probe.method} ${normalise(probe.route)}${probe.action ? ` ?/${probe.action}` : ''}`
		);
	const document = (await (await request.get('/api/v1/openapi.json')).json()) as OpenApiDocument;
	for (const operation of openApiProbes(document))
		keys.add(`${operation.method} /api/v1${operation.template}`);
	for (const event of socketEvents()) keys.add(`socket ${event}`);
	return [...keys];
}

test('every route, form action, API operation and socket event has a declared expectation', async ({
	request
}) => {
	const keys = await declaredKeys(request);
	expect(keys).toContain('POST /kb/{space}/{...path} ?/save');
	expect(keys).toContain('GET /api/v1/memos/{id}/report');
	expect(keys).toContain('socket thread:join');
	const undeclared = keys.filter((key) => !(key in MATRIX));
	expect(undeclared, 'declare these in tests/e2e/authorization-matrix.ts').toEqual([]);
	const stale = Object.keys(MATRIX).filter((key) => !keys.includes(key));
	expect(stale, 'the matrix declares entries that no longer exist').toEqual([]);
	for (const [key, cell] of Object.entries(MATRIX)) {
		expect(cell.expect, key).toMatch(new RegExp(`^[SRVOAN-]{${PERSONAS.length}}$`));
		if (cell.expect.includes('-'))
			expect(cell.note, `${key} says why a cell is skipped`).toBeTruthy();
	}
});

type World = Record<string, string>;

/** Sends again after the wait a 429 asks for (people may send only so many messages a minute). */
async function patiently(send: () => Promise<APIResponse>): Promise<APIResponse> {
	for (let attempt = 0; ; attempt++) {
		const response = await send();
		if (response.status() !== 429 || attempt === 5) return response;
		const seconds = Number(response.headers()['retry-after'] ?? 5);
		await new Promise((resolve) => setTimeout(resolve, (seconds || 5) * 1000));
	}
}
type Fresh = NonNullable<Cell['fresh']>;

class Setup {
	counter = 0;
	readonly context: () => Promise<APIRequestContext>;
	readonly baseURL: string;
	readonly cookies: Record<Exclude<Persona, 'anonymous'>, string>;
	readonly world: World;

	constructor(
		/** A context with an empty cookie jar for each request: the cookie sent is the one named. */
		context: () => Promise<APIRequestContext>,
		baseURL: string,
		cookies: Record<Exclude<Persona, 'anonymous'>, string>,
		world: World
	) {
		this.context = context;
		this.baseURL = baseURL;
		this.cookies = cookies;
		this.world = world;
	}

	key(): string {
		return `matrix-${Date.now().toString(36)}-${++this.counter}`;
	}

	async api(as: keyof Setup['cookies'], method: string, url: string, data?: unknown) {
		const request = await this.context();
		try {
			const response = await patiently(() =>
				request.fetch(url, {
					method,
					data,
					headers: { cookie: this.cookies[as], origin: this.baseURL },
					maxRedirects: 0
				})
			);
			expect(response.status(), `${method} ${url}: ${await response.text()}`).toBeLessThan(400);
			return response.status() === 204 ? {} : await response.json();
		} finally {
			await request.dispose();
		}
	}

	async post(): Promise<string> {
		const post = await this.api('same staff', 'POST', '/api/v1/posts', {
			body: 'A confidential matrix post',
			audience: Number(this.world.dept)
		});
		return String(post.id);
	}

	async comment(post: string): Promise<string> {
		const comment = await this.api('same staff', 'POST', `/api/v1/posts/${post}/comments`, {
			body: 'A confidential matrix comment'
		});
		return String(comment.id ?? comment.comment?.id);
	}

	async message(thread: string): Promise<string> {
		const message = await this.api('same staff', 'POST', `/api/v1/threads/${thread}/messages`, {
			clientKey: this.key(),
			body: 'A confidential matrix message'
		});
		return String(message.id ?? message.message?.id);
	}

	async page(): Promise<{ id: string; path: string }> {
		const page = await this.api('same staff', 'POST', '/api/v1/pages', {
			space: this.world.deptSlug,
			title: `Matrix page ${this.key()}`,
			body: 'Confidential.',
			summary: ''
		});
		const request = await this.context();
		const link = await request.get(`/kb/link/${page.id}`, {
			headers: { cookie: this.cookies['same staff'] },
			maxRedirects: 0
		});
		await request.dispose();
		const location = link.headers()['location'];
		expect(location, 'the page link redirects to the page').toMatch(/^\/kb\//);
		return { id: String(page.id), path: location! };
	}

	async draft(): Promise<string> {
		const memo = await this.api('manager', 'POST', '/api/v1/memos', {
			title: `Matrix memo ${this.key()}`,
			body: 'For Investigations only.',
			category: 'notice',
			issuingDepartmentId: Number(this.world.dept),
			dueOn: '2099-01-01',
			audience: [{ kind: 'department', departmentId: Number(this.world.dept) }]
		});
		return String(memo.id);
	}

	async memo(): Promise<string> {
		const id = await this.draft();
		await this.api('manager', 'POST', `/api/v1/memos/${id}/publish`, { publishAt: null });
		return id;
	}

	async fresh(kind: Fresh): Promise<World> {
		switch (kind) {
			case 'post':
				return { post: await this.post() };
			case 'comment':
				return { comment: await this.comment(this.world.post!) };
			case 'message':
				return { message: await this.message(this.world.thread!) };
			case 'page': {
				const page = await this.page();
				return { page: page.id, pagePath: page.path };
			}
			case 'memo':
				return { memo: await this.memo() };
			case 'draft':
				return { draft: await this.draft() };
		}
	}
}

function fill<T>(value: T, world: World, key: () => string): T {
	if (typeof value === 'string') {
		return value.replace(/\{(\w+)\}/g, (_, name: string) => {
			if (name === 'key') return key();
			const found = world[name];
			if (found === undefined) throw new Error(`no value for {${name}}`);
			return found;
		}) as T;
	}
	return value;
}

/** Placeholders in JSON: a lone `{id}`-like placeholder with a numeric value becomes a number. */
function fillJson(value: unknown, world: World, key: () => string): unknown {
	if (typeof value === 'string') {
		const exact = value.match(/^\{(\w+)\}$/);
		if (exact && exact[1] !== 'key' && /^\d+$/.test(world[exact[1]!] ?? ''))
			return Number(world[exact[1]!]);
		return fill(value, world, key);
	}
	if (Array.isArray(value)) return value.map((v) => fillJson(v, world, key));
	if (value && typeof value === 'object')
		return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fillJson(v, world, key)]));
	return value;
}

function classifyHttp(status: number, location: string | undefined): string {
	if (
		status === 401 ||
		(status >= 300 && status < 400 && /^(\/|https?:\/\/[^/]+\/)login\b/.test(location ?? ''))
	)
		return 'S';
	if (status === 403 || status === 404) return 'R';
	if (status < 400) return 'O';
	if ([400, 409, 422].includes(status)) return 'V';
	return `HTTP ${status}`;
}

function matches(expected: string, actual: string): boolean {
	if (expected === 'A') return actual === 'O' || actual === 'V';
	return expected === actual;
}

/** The concrete URL for a key without its own `url`. */
function defaultUrl(key: string): string {
	const [, path, action] = key.match(/^\w+ (\S+)(?: \?\/(\w+))?$/)!;
	return action ? `${path}?/${action === 'default' ? '' : action}`.replace(/\?\/$/, '') : path!;
}

function withAction(key: string, url: string): string {
	const action = key.match(/ \?\/(\w+)$/)?.[1];
	if (!action) return url;
	return action === 'default' ? url : `${url}?/${action}`;
}

async function connect(baseURL: string, cookie?: string): Promise<Socket | 'refused'> {
	const socket = io(baseURL, {
		path: '/realtime',
		transports: ['websocket'],
		reconnection: false,
		forceNew: true,
		extraHeaders: cookie ? { cookie } : {}
	});
	return new Promise((resolve) => {
		socket.once('connect', () => resolve(socket));
		socket.once('connect_error', (error) => {
			socket.disconnect();
			resolve(error.message === 'unauthorized' ? 'refused' : (socket as Socket));
		});
	});
}

async function emitWithAck(socket: Socket, event: string, payload: unknown): Promise<string> {
	const reply = (await socket
		.timeout(10_000)
		.emitWithAck(event, ...(event === 'ping' ? [] : [payload]))) as
		'pong' | { ok: boolean; error?: { code: string } };
	if (reply === 'pong' || (typeof reply === 'object' && reply.ok)) return 'O';
	const code = typeof reply === 'object' ? reply.error?.code : String(reply);
	if (code === 'forbidden' || code === 'not_found') return 'R';
	if (code === 'bad_request' || code === 'conflict') return 'V';
	if (code === 'too_many_requests') {
		await new Promise((resolve) => setTimeout(resolve, 5000));
		return emitWithAck(socket, event, payload);
	}
	return `ack ${code}`;
}

/** Whom the accessibility sweep opens a page as: the first of these the matrix lets in. */
const SWEEP_PERSONAS: Persona[] = ['same staff', 'manager', 'admin', 'other staff', 'anonymous'];
/** Pages the sweep leaves alone: they end the session or leave for the identity provider. */
const NOT_SWEPT = /^GET \/(logout|sso\/)/;

test('every declared cell of the matrix holds', async ({ playwright, baseURL, browser }) => {
	test.setTimeout(900_000);
	// Sign-ins store the session cookie in their context's cookie jar: they get a context of
	// their own, so that the cells (anonymous ones above all) send only the cookie they name.
	const signIns = await playwright.request.newContext({ baseURL });
	let request = await playwright.request.newContext({ baseURL });
	const cookies = {} as Setup['cookies'];
	for (const [persona, email] of Object.entries(ACCOUNTS))
		cookies[persona as keyof typeof cookies] = await sessionCookie(signIns, baseURL!, email);

	// The objects, made by members of Investigations through the API.
	const world: World = {};
	const setup = new Setup(
		() => playwright.request.newContext({ baseURL }),
		baseURL!,
		cookies,
		world
	);
	const me = await setup.api('same staff', 'GET', '/api/v1/me');
	expect(me.department.slug).toBe('investigations');
	world.dept = String(me.department.id);
	world.deptSlug = me.department.slug;
	world.person = String(me.id);
	const victor = await setup.api('admin', 'GET', '/api/v1/people?q=victor.nguyen');
	world.victor = String((victor.people ?? victor.items ?? victor)[0].id);
	const upload = await request.post('/files', {
		headers: { cookie: cookies['same staff'], origin: baseURL! },
		multipart: { file: { name: 'evidence.txt', mimeType: 'text/plain', buffer: Buffer.from('x') } }
	});
	expect(upload.status(), await upload.text()).toBe(201);
	const attachment = (await upload.json()).attachments[0];
	world.file = String(attachment.id);
	world.fileName = attachment.fileName ?? attachment.name ?? 'evidence.txt';
	const post = await setup.api('same staff', 'POST', '/api/v1/posts', {
		body: 'A confidential matrix post with a file',
		audience: Number(world.dept),
		attachmentIds: [Number(world.file)]
	});
	world.post = String(post.id);
	world.comment = await setup.comment(world.post);
	const thread = await setup.api('same staff', 'POST', '/api/v1/threads', {
		title: 'Matrix thread',
		home: Number(world.dept)
	});
	world.thread = String(thread.id ?? thread.thread?.id);
	world.message = await setup.message(world.thread);
	const page = await setup.page();
	world.page = page.id;
	world.pagePath = page.path;
	await setup.api('same staff', 'PUT', `/api/v1/pages/${page.id}`, {
		title: 'Matrix page, second revision',
		body: 'Confidential, revised.',
		summary: '',
		baseRevision: 1
	});
	world.memo = await setup.memo();
	world.draft = await setup.draft();
	// A comment from the manager on the same staff's post, and the memo, notify the same staff
	// (through a job, so not at once).
	await setup.api('manager', 'POST', `/api/v1/posts/${world.post}/comments`, { body: 'Noted.' });
	let list: { id: number }[] = [];
	await expect
		.poll(
			async () => {
				const answer = await setup.api('same staff', 'GET', '/api/v1/notifications');
				list = (answer.groups as { items: { id: number }[] }[]).flatMap((g) => g.items);
				return list.length;
			},
			{ message: 'the same staff was notified', timeout: 90_000 }
		)
		.toBeGreaterThan(0);
	world.notification = String(list[0]!.id);

	const sockets = new Map<Persona, Socket | 'refused'>();
	const mismatches: string[] = [];
	let exercised = 0;
	/** Every page the matrix let someone open, once, with the persona and URL to check it as. */
	const sweep = new Map<string, { persona: Persona; url: string }>();
	for (const [key, cell] of Object.entries(MATRIX)) {
		for (const [index, persona] of PERSONAS.entries()) {
			const expected = cell.expect[index]!;
			if (expected === '-') continue;
			let local = world;
			if (cell.fresh) local = { ...world, ...(await setup.fresh(cell.fresh)) };
			let cookie = persona === 'anonymous' ? undefined : cookies[persona];
			if (cell.ownSession && cookie)
				cookie = await sessionCookie(signIns, baseURL!, ACCOUNTS[persona as keyof typeof ACCOUNTS]);
			let actual: string;
			let html = false;
			if (key.startsWith('socket ')) {
				const event = key.slice('socket '.length);
				let socket = sockets.get(persona);
				if (!socket || (socket !== 'refused' && !socket.connected)) {
					socket = await connect(baseURL!, cookie);
					sockets.set(persona, socket);
				}
				if (socket === 'refused') actual = 'S';
				else {
					const payload = fillJson(cell.payload, local, () => setup.key());
					if (expected === 'N') {
						socket.emit(event, payload);
						actual = (await emitWithAck(socket, 'ping', undefined)) === 'O' ? 'N' : 'gone';
					} else actual = await emitWithAck(socket, event, payload);
				}
			} else {
				const method = key.split(' ')[0]!;
				const url = cell.url
					? withAction(
							key,
							fill(cell.url, local, () => setup.key())
						)
					: defaultUrl(key);
				const headers: Record<string, string> = { origin: baseURL! };
				if (cookie) headers.cookie = cookie;
				const isForm = / \?\//.test(key);
				if (isForm) headers.accept = 'text/html';
				const response = await patiently(() =>
					request.fetch(url, {
						method,
						maxRedirects: 0,
						headers,
						...(cell.upload
							? {
									multipart: {
										file: { name: 'matrix.txt', mimeType: 'text/plain', buffer: Buffer.from('m') }
									}
								}
							: cell.form
								? {
										form: Object.fromEntries(
											Object.entries(cell.form).map(([k, v]) => [
												k,
												fill(v, local, () => setup.key())
											])
										)
									}
								: cell.json !== undefined
									? { data: fillJson(cell.json, local, () => setup.key()) }
									: method === 'GET' || method === 'DELETE'
										? {}
										: { data: {} })
					})
				);
				actual = classifyHttp(response.status(), response.headers()['location']);
				html =
					/text\/html/.test(response.headers()['content-type'] ?? '') ||
					!!response.headers()['location'];
				if (response.headersArray().some((h) => h.name.toLowerCase() === 'set-cookie')) {
					// Start again with an empty cookie jar.
					await request.dispose();
					request = await playwright.request.newContext({ baseURL });
				}
			}
			exercised++;
			const isPage = key.startsWith('GET /') && !key.startsWith('GET /api/') && !/ \?\//.test(key);
			if (isPage && html && actual === 'O' && !NOT_SWEPT.test(key)) {
				const known = sweep.get(key);
				if (!known || SWEEP_PERSONAS.indexOf(persona) < SWEEP_PERSONAS.indexOf(known.persona))
					sweep.set(key, {
						persona,
						url: cell.url ? fill(cell.url, local, () => setup.key()) : defaultUrl(key)
					});
			}
			if (!matches(expected, actual))
				mismatches.push(`${key} as ${persona}: expected ${expected}, got ${actual}`);
		}
	}
	for (const socket of sockets.values()) if (socket !== 'refused') socket.disconnect();
	console.log(
		`authorisation matrix: ${exercised} cells over ${Object.keys(MATRIX).length} entries`
	);
	await request.dispose();
	expect(mismatches).toEqual([]);

	// Accessibility on every page of the route tree, not only those other tests happen to visit:
	// each page the matrix opened, in Chromium as a persona it lets in, in both themes.
	const inaccessible: string[] = [];
	let swept = 0;
	for (const persona of SWEEP_PERSONAS) {
		const pages = [...sweep].filter(([, target]) => target.persona === persona);
		if (!pages.length) continue;
		const cookie = persona === 'anonymous' ? undefined : cookies[persona];
		const context = await browser.newContext({
			baseURL,
			extraHTTPHeaders: cookie ? { cookie } : {}
		});
		const tab = await context.newPage();
		for (const [key, target] of pages) {
			const response = await tab.goto(target.url, { waitUntil: 'load' });
			if (!response?.ok() || !/text\/html/.test(response.headers()['content-type'] ?? '')) continue;
			swept++;
			await expectAccessible(tab).catch((error: Error) =>
				inaccessible.push(`${key} as ${persona}: ${error.message.split('\n\n')[0]}`)
			);
		}
		await context.close();
	}
	console.log(`accessibility sweep: ${swept} pages in both themes`);
	await signIns.dispose();
	expect(swept).toBeGreaterThan(30);
	expect(inaccessible).toEqual([]);
});
