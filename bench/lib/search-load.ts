/**
 * The search benchmark's load: a deterministic query mix, closed-loop searchers (each sends its
 * next query when the previous one answered, like a person typing), per-class latencies, and the
 * write-to-searchable probe.
 */
import { sql } from 'kysely';
import type { Database } from '../../src/lib/server/db/index.ts';
import type { ViewerFilter } from '../../src/lib/server/search/search-engine.ts';
import {
	CANDIDATES,
	candidateRows,
	webSearchQuery
} from '../../src/lib/server/search/search.repository.ts';
import { percentile } from './load.ts';
import type { Measurement } from './types.ts';

export type BenchQuery = {
	/** one word, two words, phrase, prefix (suggest), typo, filtered (type=page). */
	class: string;
	q: string;
	endpoint: 'search' | 'suggest';
	type?: 'page';
};

/** A small deterministic generator (mulberry32), so a seed always gives the same mix. */
export function random(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/**
 * 400 queries: 25% one word, 15% two words, 10% quoted phrases taken from real bodies, 30%
 * as-you-type prefixes (suggest), 10% titles with a typo, 10% one word filtered to pages. Words
 * a person would search for: a third from the everyday words, the rest from further down the
 * vocabulary with the same skew as the text.
 */
export async function makeQueryMix(
	db: Database,
	vocabulary: string[],
	seed: number
): Promise<BenchQuery[]> {
	const next = random(seed);
	const word = () =>
		next() < 1 / 3
			? vocabulary[Math.floor(next() * 240)]!
			: vocabulary[240 + Math.floor((vocabulary.length - 240) * next() ** 2)]!;
	const { rows: bodies } = await sql<{ body: string }>`
		select body from search_document where source_id >= 1000000000
		order by source_id limit 200 offset 1000
	`.execute(db);
	const { rows: titles } = await sql<{ title: string }>`
		select title from search_document where title <> '' and source_id >= 1000000000
		order by source_id limit 200 offset 1000
	`.execute(db);
	const queries: BenchQuery[] = [];
	for (let i = 0; i < 400; i++) {
		const r = next();
		if (r < 0.25) queries.push({ class: 'one word', q: word(), endpoint: 'search' });
		else if (r < 0.4)
			queries.push({ class: 'two words', q: `${word()} ${word()}`, endpoint: 'search' });
		else if (r < 0.5) {
			const words = bodies[i % bodies.length]!.body.split(' ');
			const at = Math.floor(next() * Math.max(1, words.length - 1));
			queries.push({
				class: 'phrase',
				q: `"${words.slice(at, at + 2).join(' ')}"`,
				endpoint: 'search'
			});
		} else if (r < 0.8) {
			const w = word();
			queries.push({
				class: 'prefix',
				q: w.slice(0, Math.min(w.length, 3 + Math.floor(next() * 4))),
				endpoint: 'suggest'
			});
		} else if (r < 0.9) {
			const title = titles[i % titles.length]!.title.split(' ').slice(0, 2).join(' ');
			const at = 1 + Math.floor(next() * (title.length - 2));
			queries.push({
				class: 'typo',
				q: title.slice(0, at) + title.slice(at + 1),
				endpoint: 'search'
			});
		} else queries.push({ class: 'filtered', q: word(), endpoint: 'search', type: 'page' });
	}
	return queries;
}

export function measurementOf(
	latencies: number[],
	seconds: number,
	connections: number
): Measurement {
	const sorted = Float64Array.from(latencies).sort();
	const round = (n: number) => Math.round(n * 1000) / 1000;
	const sum = sorted.reduce((a, b) => a + b, 0);
	return {
		requestsPerSecond: Math.round((sorted.length / seconds) * 100) / 100,
		latencyMs: {
			mean: round(sorted.length ? sum / sorted.length : 0),
			p50: round(percentile(sorted, 50)),
			p95: round(percentile(sorted, 95)),
			p99: round(percentile(sorted, 99)),
			max: round(sorted.at(-1) ?? 0)
		},
		responses: sorted.length,
		errors: 0,
		non2xx: 0,
		socketErrors: 0,
		timeouts: 0,
		statusCodes: { '200': sorted.length },
		bytesPerSecond: 0,
		durationSeconds: seconds,
		connections
	};
}

/** `searchers` loops, each cycling through the mix from its own offset, for `seconds`. */
export async function runSearchers(
	mix: BenchQuery[],
	searchers: number,
	seconds: number,
	send: (query: BenchQuery) => Promise<void>
): Promise<{ all: Measurement; byClass: Record<string, Measurement> }> {
	const until = performance.now() + seconds * 1000;
	const samples: { cls: string; ms: number }[] = [];
	await Promise.all(
		Array.from({ length: searchers }, async (_, s) => {
			for (let i = s * Math.floor(mix.length / searchers); performance.now() < until; i++) {
				const query = mix[i % mix.length]!;
				const started = performance.now();
				await send(query);
				samples.push({ cls: query.class, ms: performance.now() - started });
			}
		})
	);
	const byClass: Record<string, Measurement> = {};
	for (const cls of [...new Set(mix.map((q) => q.class))])
		byClass[cls] = measurementOf(
			samples.filter((x) => x.cls === cls).map((x) => x.ms),
			seconds,
			searchers
		);
	return {
		all: measurementOf(
			samples.map((x) => x.ms),
			seconds,
			searchers
		),
		byClass
	};
}

/** Posts through the API every 500 ms and times until a search finds each one. */
export async function probeWriteToSearchable(appUrl: string, cookie: string, seconds: number) {
	const me = (await (await fetch(`${appUrl}/api/v1/me`, { headers: { cookie } })).json()) as {
		department: { id: number };
	};
	const delays: number[] = [];
	const until = performance.now() + seconds * 1000;
	for (let i = 0; performance.now() < until; i++) {
		const word = `probe${'abcdefghij'[i % 10]}${Math.random()
			.toString(36)
			.replace(/[^a-z]/g, '')
			.slice(0, 8)}`;
		const started = performance.now();
		const created = await fetch(`${appUrl}/api/v1/posts`, {
			method: 'POST',
			headers: { cookie, 'content-type': 'application/json' },
			body: JSON.stringify({ audience: me.department.id, body: `Search probe ${word}` })
		});
		if (created.status !== 201) throw new Error(`creating a probe post answered ${created.status}`);
		for (;;) {
			const found = (await (
				await fetch(`${appUrl}/api/v1/search?q=${word}`, { headers: { cookie } })
			).json()) as { hits: unknown[] };
			if (found.hits.length) break;
			if (performance.now() - started > 10_000) throw new Error(`${word} never became searchable`);
			await new Promise((r) => setTimeout(r, 10));
		}
		delays.push(performance.now() - started);
		await new Promise((r) => setTimeout(r, 500));
	}
	const sorted = Float64Array.from(delays).sort();
	const r = (n: number) => Math.round(n);
	return {
		delays: delays.map(r),
		p50: r(percentile(sorted, 50)),
		p95: r(percentile(sorted, 95)),
		max: r(sorted.at(-1) ?? 0)
	};
}

/**
 * EXPLAIN ANALYZE of the candidate search (see candidateRows), which does the heavy lifting,
 * for an everyday word and a rare one, as the viewer.
 */
export async function explainSearch(db: Database, viewer: ViewerFilter, vocabulary: string[]) {
	const lines: string[] = [];
	for (const word of [vocabulary[0]!, vocabulary[5000]!]) {
		const { rows } = await sql<Record<string, string>>`
			explain (analyze, buffers, costs off)
			with ${candidateRows(webSearchQuery(word), { viewer, kinds: [], departmentIds: null }, CANDIDATES)}
			select * from candidates
		`.execute(db);
		lines.push(`candidates for "${word}":`, ...rows.map((r) => `  ${Object.values(r)[0]}`));
	}
	return lines;
}
