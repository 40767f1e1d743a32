/**
 * Every JSON API operation in the OpenAPI document, called through its real route handler
 * against a seeded database with generated malformed input (fast-check): wrong types, huge and
 * tricky strings, missing and extra fields, broken JSON, odd query parameters and ids. The
 * answer is never a 5xx (nor an exception a real server would turn into one), and a refused
 * request writes nothing: every row written to any table is recorded by a trigger, and a 4xx
 * may only have added the audit trail's record of a denial or failure.
 *
 * The same people as the hook would let in (signed in), from staff to an administrator.
 * Runs per operation are bounded (RUNS) so the file takes well under a minute.
 */
import { isHttpError, isRedirect } from '@sveltejs/kit';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { openApiDocument } from '../../src/lib/server/api/openapi.ts';
import { addComment } from '../../src/lib/server/feeds/comment.service.ts';
import { createPost } from '../../src/lib/server/feeds/post.service.ts';
import { createPage } from '../../src/lib/server/knowledge/page.service.ts';
import { createMemoDraft } from '../../src/lib/server/memos/memo.service.ts';
import { startThread } from '../../src/lib/server/threads/thread.service.ts';
import { postMessage } from '../../src/lib/server/threads/message.service.ts';
import { REACTION_KINDS } from '../../src/lib/shared/schemas/feeds.ts';
import { contextFor, grantRole, newDepartment, newUser } from '../factories.ts';
import { createTestDatabase } from './database.ts';
import { sessionTokenFor } from './sessions.ts';
import { sessionCookieName } from '../../src/lib/server/auth/cookie.ts';
import { draft, publishNew } from './memo-fixtures.ts';
import {
	bodyFor,
	fakeEvent,
	nastyString,
	rawBody,
	recordWrites,
	sampleOf
} from './fuzz-support.ts';

const RUNS = Number(process.env.FUZZ_RUNS ?? 60);
/**
 * Writes a refused request may make: the audit trail records denials and failures, and
 * authentication keeps the session's idle timeout sliding.
 */
const ALLOWED_ON_REFUSAL = new Set(['audit_event:denied', 'audit_event:failure', 'session']);

// Requests go through the real hook; config() reads these when it first asks, in this file.
// This is one client sending thousands of requests: the rate limit has tests of its own.
process.env.API_RATE_LIMIT = '0';
process.env.API_RATE_LIMIT_PER_IP = '0';
process.env.LOG_LEVEL = 'silent';
const { handle } = await import('../../src/hooks.server.ts');

const { db } = await createTestDatabase();

// A small organisation with one of everything the API reaches, written through the services.
const agency = await newDepartment(db, { name: 'Agency' });
const team = await newDepartment(db, { name: 'Team', parentId: agency.id });
const closed = await newDepartment(db, { name: 'Closed', visibility: 'members-only' });
const staff = await newUser(db, { departmentId: team.id, name: 'Sam Staff' });
const manager = await newUser(db, { departmentId: agency.id, name: 'Mia Manager' });
await grantRole(db, manager.id, 'manager', agency.id);
const admin = await newUser(db, { departmentId: agency.id, name: 'Ada Admin' });
await grantRole(db, admin.id, 'admin');
const outsider = await newUser(db, { departmentId: closed.id, name: 'Otto Outsider' });
const as = {
	staff: await contextFor(db, staff.id),
	manager: await contextFor(db, manager.id),
	admin: await contextFor(db, admin.id),
	outsider: await contextFor(db, outsider.id)
};
const sessions = Object.fromEntries(
	await Promise.all(
		Object.entries(as).map(async ([k, ctx]) => [k, await sessionTokenFor(db, ctx.actor!.id)])
	)
) as Record<keyof typeof as, string>;
const post = await createPost(as.staff, {
	body: 'Hello @mia',
	audience: team.id,
	announcement: false,
	attachmentIds: []
});
const comment = await addComment(as.manager, post.id, {
	body: 'Welcome',
	parentId: undefined
} as never);
const thread = await startThread(as.staff, {
	title: 'Planning',
	home: team.id,
	announceOnly: false
});
const { message } = await postMessage(as.staff, {
	threadId: thread.id,
	clientKey: '00000000-0000-4000-8000-000000000001',
	body: 'First message'
} as never);
const page = await createPage(as.staff, {
	space: team.slug,
	parentId: null,
	slug: undefined,
	title: 'Procedures',
	body: '# Procedures',
	summary: ''
});
const audience = [
	{ kind: 'department' as const, departmentId: agency.id, includeSub: true, exclude: false }
];
const published = await publishNew(as.manager, draft({ issuingDepartmentId: agency.id, audience }));
const memoDraft = await createMemoDraft(
	as.manager,
	draft({ issuingDepartmentId: agency.id, audience })
);

/** Real ids for each path's parameters, by the collection the path starts with. */
const ids: Record<string, number> = {
	posts: post.id,
	comments: comment.id,
	departments: team.id,
	threads: thread.id,
	messages: message.id,
	pages: page.id,
	people: staff.id,
	memos: published.id ?? memoDraft.id
};

type Handler = (event: unknown) => Promise<Response>;
const modules = import.meta.glob<Record<string, Handler>>('../../src/routes/api/v1/**/+server.ts', {
	eager: true
});

/** The route module that serves an OpenAPI path (the same mapping the OpenAPI test checks). */
function moduleFor(openApiPath: string): Record<string, Handler> {
	for (const [file, module] of Object.entries(modules)) {
		const route = file
			.replace('../../src/routes/api/v1', '')
			.replace(/\/\+server\.ts$/, '')
			.split('/')
			.map((segment) => segment.replace(/^\[(\w+)(=\w+)?\]$/, '{$1}'))
			.join('/');
		if ((route || '/') === openApiPath) return module;
	}
	throw new Error(`no route for ${openApiPath}`);
}

type Operation = {
	path: string;
	method: string;
	parameters?: { name: string; in: string }[];
	requestBody?: { content?: Record<string, { schema?: Record<string, unknown> }> };
};

const components = (openApiDocument.components?.schemas ?? {}) as Record<
	string,
	Record<string, unknown>
>;
const operations: Operation[] = Object.entries(
	openApiDocument.paths as Record<string, Record<string, Record<string, unknown>>>
)
	.flatMap(([path, methods]) =>
		Object.entries(methods).map(([method, op]) => ({ path, method, ...op }) as Operation)
	)
	// Deletions last, so the objects they remove serve every other operation first.
	.sort((a, b) => Number(a.method === 'delete') - Number(b.method === 'delete'));

/** A path parameter: the real id most of the time, else an id that is wrong in some way. */
function pathParam(path: string, name: string): fc.Arbitrary<string> {
	if (name === 'kind') return fc.oneof(fc.constantFrom(...REACTION_KINDS), nastyString);
	const real =
		name === 'userId' ? staff.id : name === 'number' ? 1 : (ids[path.split('/')[1]!] ?? 1);
	// The `id` matcher lets 1 to 16 digits through, so those are the ids a handler can see.
	return fc.oneof(
		{ weight: 4, arbitrary: fc.constant(String(real)) },
		{ weight: 1, arbitrary: fc.constantFrom('9999999999999999', '2147483648', '999999') }
	);
}

function operationInput(op: Operation) {
	const pathNames = [...op.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
	const queryNames = (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name);
	const schema = op.requestBody?.content?.['application/json']?.schema;
	return fc.record({
		params: fc.record(Object.fromEntries(pathNames.map((n) => [n, pathParam(op.path, n)]))),
		query: fc.dictionary(fc.constantFrom(...queryNames, 'extra'), nastyString, {
			maxKeys: queryNames.length + 1
		}),
		body: rawBody(bodyFor(sampleOf(schema, components))),
		actor: fc.constantFrom(...(Object.keys(as) as (keyof typeof as)[]))
	});
}

const writes = await recordWrites(db);
/** Operations that answered 2xx at least once: proof the input reached the handlers. */
const succeeded = new Set<string>();

describe('the JSON API under malformed input', () => {
	it('covers every operation of the OpenAPI document', () => {
		expect(operations.length).toBeGreaterThan(50);
		for (const op of operations)
			expect(moduleFor(op.path)[op.method.toUpperCase()]).toBeTypeOf('function');
	});

	for (const op of operations) {
		it(`${op.method.toUpperCase()} ${op.path}`, async () => {
			const handler = moduleFor(op.path)[op.method.toUpperCase()]!;
			await writes.take();
			await fc.assert(
				fc.asyncProperty(operationInput(op), async (input) => {
					let path = op.path;
					// A URL carries UTF-8: a lone surrogate arrives as U+FFFD, as a server decodes it.
					const params = Object.fromEntries(
						Object.entries(input.params).map(([k, v]) => [k, v.toWellFormed()])
					);
					for (const [name, value] of Object.entries(params))
						path = path.replace(`{${name}}`, encodeURIComponent(value));
					const url = new URL(`/api/v1${path}`, 'http://commons.test');
					for (const [name, value] of Object.entries(input.query))
						url.searchParams.set(name, value);
					const event = fakeEvent({
						url,
						method: op.method.toUpperCase(),
						params,
						actor: as[input.actor].actor!,
						body: input.body.text,
						contentType: input.body.type,
						cookies: { [sessionCookieName(false)]: sessions[input.actor] }
					});
					let status: number;
					try {
						// The hook signs the person in from the cookie, as for every real request.
						const response = await handle({
							event: event as never,
							resolve: (e) => handler(e)
						});
						status = response.status;
						await response.arrayBuffer();
					} catch (error) {
						if (isRedirect(error)) status = error.status;
						else if (isHttpError(error)) status = error.status;
						else throw error;
					}
					expect(status, 'a 5xx answer').toBeLessThan(500);
					if (status < 300) succeeded.add(`${op.method} ${op.path}`);
					const written = await writes.take();
					if (status >= 400)
						expect(
							written.filter((t) => !ALLOWED_ON_REFUSAL.has(t)),
							`a refused request (${status}) wrote`
						).toEqual([]);
				}),
				{ numRuns: RUNS }
			);
		});
	}

	it('reached the handlers: most operations also answered some input with success', () => {
		expect(succeeded.size, [...succeeded].join('\n')).toBeGreaterThan(operations.length * 0.6);
	});
});
