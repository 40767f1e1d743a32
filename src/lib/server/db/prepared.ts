/**
 * Prepared statements for the queries every page runs (the session and its person, the home
 * feed, the header's memo and notification counts). PostgreSQL plans a query each time it
 * receives its text: for those queries planning took longer than running (1.0 ms to plan the
 * home feed, 1.5 ms to run it; 0.6 ms to plan the session's, 0.2 ms to run it), and it is paid
 * on every request. A named statement is parsed once per connection and, once PostgreSQL has
 * seen that a generic plan is as good as the ones made for each call's values (after five
 * calls), planned once as well.
 *
 * Opt-in, by putting `prepared` first in a raw query (or `.modifyFront(prepared)` on a select
 * built with Kysely, which puts it right after `select`): a query whose best plan depends on its
 * values (search, which plans with the frequency of the searched words) must keep being planned
 * for them, and every distinct text becomes a statement kept by each connection, so only queries
 * with a small, fixed set of texts belong here. A prepared query names its columns (never `*`):
 * a column added by a migration while the app runs would otherwise fail it ("cached plan must
 * not change result type").
 *
 * Connection poolers in transaction mode (PgBouncer before 1.21, or without
 * `max_prepared_statements`) do not keep prepared statements: DATABASE_PREPARED_STATEMENTS=off
 * sends these queries unnamed, as all the others.
 */
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type pg from 'pg';

const MARK = '/* prepared */';

/**
 * Put first in a raw query, or in a built select's `modifyFront`, to run it as a named prepared
 * statement (see the module comment).
 */
export const prepared = sql.raw(`${MARK} `);

const names = new Map<string, string>();

/**
 * The statement's name: its text's hash, so one text is one statement on every connection.
 * Remembered per text (the marked texts are a small fixed set): hashing every page's queries
 * again was 1% of the app's CPU.
 */
export function statementName(text: string): string {
	let name = names.get(text);
	if (name === undefined) {
		name = `commons_${createHash('sha1').update(text).digest('base64url')}`;
		// A bound, should a marked text ever vary after all.
		if (names.size >= 1000) names.clear();
		names.set(text, name);
	}
	return name;
}

/** Marked: the mark first, or right after the `select` keyword (Kysely's `modifyFront`). */
function isMarked(text: string): boolean {
	return text.startsWith(MARK) || text.startsWith(`select ${MARK}`);
}

type Query = (config: unknown, values?: unknown, callback?: unknown) => unknown;

/**
 * Makes a connection run marked queries (see `prepared`) as named statements. The pool calls
 * it for every new connection, before the connection runs anything else.
 */
export function prepareMarkedQueries(client: pg.PoolClient): void {
	const target = client as unknown as { query: Query };
	const query = target.query.bind(client) as Query;
	target.query = (config, values, callback) =>
		typeof config === 'string' && isMarked(config)
			? query({ name: statementName(config), text: config, values }, callback)
			: query(config, values, callback);
}
