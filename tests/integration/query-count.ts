/**
 * Counting the SQL statements a request sends, to catch N+1 queries in `npm test` without timing
 * anything: a Kysely plugin on the test database counts every statement the app executes through
 * it (its own queries and raw `sql`, inside transactions too; not BEGIN and COMMIT, which the
 * driver sends itself) and keeps their SQL for the failure message.
 *
 * `requestPage` runs one GET the way SvelteKit would for a signed-in person: the real hook
 * (`handle` in hooks.server.ts: session cookie to person, guards, headers), then the `(app)`
 * layout's load and the page's load with `parent()`, and waits for what the page streams.
 */
import {
	PostgresQueryCompiler,
	type KyselyPlugin,
	type PluginTransformQueryArgs,
	type PluginTransformResultArgs,
	type QueryResult,
	type RootOperationNode,
	type UnknownRow
} from 'kysely';
import { handle } from '../../src/hooks.server.ts';
import { sessionCookieName } from '../../src/lib/server/auth/cookie.ts';
import { config } from '../../src/lib/server/config.ts';
import { useDatabaseForTests, type Database } from '../../src/lib/server/db/index.ts';

export type QueryLog = { count: number; statements: string[] };

class CountingPlugin implements KyselyPlugin {
	readonly #compiler = new PostgresQueryCompiler();
	readonly #pending = new WeakMap<object, string>();
	log: QueryLog = { count: 0, statements: [] };

	transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
		this.#pending.set(args.queryId, this.#compiler.compileQuery(args.node, args.queryId).sql);
		return args.node;
	}

	async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
		this.log.count++;
		this.log.statements.push(this.#pending.get(args.queryId) ?? '(unknown)');
		return args.result;
	}
}

/**
 * Makes a counting copy of `db` the app's database (same pool) and returns `measure`, which runs
 * `work` and reports the statements executed meanwhile. Measure one request at a time.
 */
export function countQueries(db: Database, url: string) {
	const plugin = new CountingPlugin();
	useDatabaseForTests(db.withPlugin(plugin), url);
	return async function measure<T>(
		work: () => Promise<T>
	): Promise<{ result: T; queries: QueryLog }> {
		plugin.log = { count: 0, statements: [] };
		const result = await work();
		const queries = plugin.log;
		plugin.log = { count: 0, statements: [] };
		return { result, queries };
	};
}

/** A statement list for a failure message: numbered, whitespace squeezed, cut at 160 characters. */
export function describeQueries(log: QueryLog): string {
	return log.statements
		.map((s, i) => `${i + 1}. ${s.replace(/\s+/g, ' ').trim().slice(0, 160)}`)
		.join('\n');
}

type Load = (event: never) => unknown;

export type PageRequest = {
	/** Path and query, e.g. `/threads/12?at=40`. */
	path: string;
	/** Route parameters as SvelteKit would parse them from the path. */
	params?: Record<string, string>;
	/** A session token (see sessions.ts). */
	token: string;
	/** The layout loads from the outside in, then the page's load. */
	layouts: Load[];
	page: Load;
};

/** Resolves top-level promises of a load's result (what SvelteKit streams after the page). */
async function settle(data: unknown): Promise<Record<string, unknown>> {
	if (!data || typeof data !== 'object') return {};
	const entries = await Promise.all(
		Object.entries(data).map(async ([k, v]) => [k, v instanceof Promise ? await v : v] as const)
	);
	return Object.fromEntries(entries);
}

/**
 * One signed-in GET through the hook and the route's loads. Returns the status and the merged
 * data; throws what a load throws (a SvelteKit `error()` carries its status).
 */
export async function requestPage(
	request: PageRequest
): Promise<{ status: number; data: Record<string, unknown> }> {
	const url = new URL(request.path, 'http://commons.test');
	const cookieName = sessionCookieName(config().production);
	const headers = new Headers({ 'user-agent': 'vitest', cookie: `${cookieName}=${request.token}` });
	let data: Record<string, unknown> = {};
	const event = {
		url,
		params: request.params ?? {},
		locals: {},
		request: new Request(url, { headers }),
		route: { id: null },
		isDataRequest: false,
		isSubRequest: false,
		cookies: {
			get: (name: string) => (name === cookieName ? request.token : undefined),
			getAll: () => [{ name: cookieName, value: request.token }],
			set: () => {},
			delete: () => {},
			serialize: () => ''
		},
		getClientAddress: () => '127.0.0.1',
		setHeaders: () => {},
		depends: () => {},
		untrack: <T>(fn: () => T) => fn(),
		fetch: () => Promise.reject(new Error('requestPage: loads here do not fetch')),
		platform: undefined
	};
	const resolve = async () => {
		for (const load of [...request.layouts, request.page]) {
			const parentData = data;
			const loaded = await (load as (e: unknown) => unknown)({
				...event,
				parent: async () => parentData
			});
			data = { ...data, ...(await settle(loaded)) };
		}
		return new Response('rendered', { status: 200 });
	};
	const response = await handle({
		event: event as unknown as Parameters<typeof handle>[0]['event'],
		resolve: resolve as unknown as Parameters<typeof handle>[0]['resolve']
	});
	return { status: response.status, data };
}
