/**
 * The statements that took the database's time during a ramp (pg_stat_statements, by total
 * execution time) and, for each, the slowest of its sampled plans as auto_explain logged them
 * (`EXPLAIN (ANALYZE, BUFFERS)` of a real execution with the app's own parameters).
 */
import { sql } from 'kysely';
import { createDb } from '../../../src/lib/server/db/index.ts';

const normalise = (text: string) => text.replace(/\s+/g, ' ').trim();

/**
 * A statement's shape, for matching a logged execution to its pg_stat_statements entry: string
 * and number literals and parameters become `?` (pg_stat_statements writes literals as `$n`),
 * and lists of them one `?` (it also folds IN lists).
 */
export function shapeOf(text: string): string {
	return normalise(
		text
			.replace(/\/\*, \.\.\. \*\//g, '')
			.replace(/'(?:[^']|'')*'/g, '?')
			.replace(/\$\d+/g, '?')
			.replace(/\b\d+(?:\.\d+)?\b/g, '?')
	)
		.replace(/\?(?:\s*,\s*\?)+/g, '?')
		.replace(/\(\s*\?\s*\)/g, '(?)');
}
const MAX_QUERIES = 400;

/** Reads the server's log as it arrives and keeps the slowest sampled plan of each statement. */
export class PlanCollector {
	#buffer = '';
	readonly #slowest = new Map<string, { ms: number; plan: string }>();

	feed(chunk: string): void {
		this.#buffer += `${chunk}\n`;
		// An entry is a "LOG:  duration: … plan:" line and the tab-indented lines after it; keep
		// the last entry in the buffer until the next one starts (it may still be arriving).
		const starts = [...this.#buffer.matchAll(/^.*LOG: {2}duration: ([\d.]+) ms {2}plan:$/gm)];
		if (starts.length < 2) {
			if (!starts.length && this.#buffer.length > 1_000_000) this.#buffer = '';
			return;
		}
		for (let i = 0; i < starts.length - 1; i++)
			this.#take(this.#buffer.slice(starts[i]!.index, starts[i + 1]!.index));
		this.#buffer = this.#buffer.slice(starts.at(-1)!.index);
	}

	#take(entry: string): void {
		const ms = Number(/duration: ([\d.]+) ms/.exec(entry)?.[1]);
		const lines = entry
			.split('\n')
			.slice(1)
			.filter((l) => l.startsWith('\t'))
			.map((l) => l.slice(1));
		const planStart = lines.findIndex((l) => /\((cost|actual)[= ]/.test(l));
		if (planStart < 1 || !lines[0]!.startsWith('Query Text: ')) return;
		// The text runs until the parameters (PostgreSQL 16+ logs them) or the plan.
		const parameters = lines.findIndex((l) => l.startsWith('Query Parameters: '));
		const textEnd = parameters > 0 && parameters < planStart ? parameters : planStart;
		const query = shapeOf(
			[lines[0]!.slice('Query Text: '.length), ...lines.slice(1, textEnd)].join('\n')
		);
		const known = this.#slowest.get(query);
		if (known && known.ms >= ms) return;
		if (!known && this.#slowest.size >= MAX_QUERIES) return;
		this.#slowest.set(query, { ms, plan: lines.slice(textEnd).join('\n') });
	}

	/** Takes the last entry too (the ones before it were taken as the next one began). */
	flush(): void {
		if (/LOG: {2}duration: [\d.]+ ms {2}plan:/.test(this.#buffer)) this.#take(this.#buffer);
		this.#buffer = '';
	}

	planOf(query: string): { ms: number; plan: string } | null {
		this.flush();
		return this.#slowest.get(shapeOf(query)) ?? null;
	}

	clear(): void {
		this.#buffer = '';
		this.#slowest.clear();
	}
}

export type TopQuery = {
	query: string;
	calls: number;
	totalMs: number;
	meanMs: number;
	/** Share of all statements' execution time. */
	share: number;
	rowsPerCall: number;
	sharedBlocksHit: number;
	sharedBlocksRead: number;
	/** The slowest sampled execution's plan, when one was sampled. */
	plan: { ms: number; text: string } | null;
};

/** The `limit` statements with the most execution time in the database at `url`. */
export async function topQueries(
	url: string,
	plans: PlanCollector,
	limit = 6
): Promise<TopQuery[]> {
	const db = createDb(url, 1);
	try {
		const { rows } = await sql<{
			query: string;
			calls: number;
			totalMs: number;
			meanMs: number;
			rows: number;
			hit: number;
			read: number;
			all: number;
		}>`
			select query, calls::int as calls, total_exec_time as total_ms, mean_exec_time as mean_ms,
				rows::bigint as rows, shared_blks_hit::bigint as hit, shared_blks_read::bigint as read,
				sum(total_exec_time) over () as all
			from pg_stat_statements
			where dbid = (select oid from pg_database where datname = current_database())
				and query !~* '^\\s*(begin|commit|rollback|set|reset|select pg_stat_statements)'
			order by total_exec_time desc limit ${limit}
		`.execute(db);
		const round = (n: number) => Math.round(n * 100) / 100;
		return rows.map((r) => {
			const plan = plans.planOf(r.query);
			return {
				query: normalise(r.query),
				calls: r.calls,
				totalMs: round(r.totalMs),
				meanMs: round(r.meanMs),
				share: round(r.totalMs / Math.max(1, Number(r.all))),
				rowsPerCall: round(Number(r.rows) / Math.max(1, r.calls)),
				sharedBlocksHit: Number(r.hit),
				sharedBlocksRead: Number(r.read),
				plan: plan ? { ms: plan.ms, text: plan.plan } : null
			};
		});
	} finally {
		await db.destroy();
	}
}
