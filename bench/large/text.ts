/**
 * Text for the large organisation: a pool of sentences made from the search benchmark's
 * vocabulary (everyday intranet words first, then made-up ones, drawn with the same skew), kept
 * in an unlogged table so set-based inserts can join it by number. Messages, pages and memos are
 * built from these sentences, so their words follow a realistic frequency curve: a few words are
 * everywhere, most are rare.
 */
import { sql, type RawBuilder } from 'kysely';
import type { Database } from '../../src/lib/server/db/index.ts';
import { random } from '../lib/search-load.ts';
import { vocabulary } from '../seed-search.ts';

export const SENTENCE_POOL = 4096;
export const TITLE_WORDS = 600;

/** `count` sentences of 5 to 16 words, deterministic for the seed. */
export function makeSentences(seed: number, count = SENTENCE_POOL): string[] {
	const words = vocabulary();
	const next = random(seed * 7919 + 1);
	const sentences: string[] = [];
	for (let i = 0; i < count; i++) {
		const length = 5 + Math.floor(next() * 12);
		const picked: string[] = [];
		for (let w = 0; w < length; w++) {
			// A third from the everyday words, the rest further down the list with a skew.
			const word =
				next() < 0.35
					? words[Math.floor(next() * 240)]!
					: words[240 + Math.floor((words.length - 240) * next() ** 2)]!;
			picked.push(word);
		}
		const first = picked[0]!;
		picked[0] = first[0]!.toUpperCase() + first.slice(1);
		sentences.push(`${picked.join(' ')}.`);
	}
	return sentences;
}

/** The words titles are made of: the everyday ones, then the first made-up ones. */
export function titleWords(): string[] {
	return vocabulary().slice(0, TITLE_WORDS);
}

/**
 * `bench_sentence (n, text)` and `bench_word (n, word)`, numbered from 1. Unlogged: they exist
 * only while the seeder runs (`dropTextTables` removes them).
 */
export async function createTextTables(db: Database, seed: number): Promise<void> {
	await dropTextTables(db);
	await sql`create unlogged table bench_sentence (n int primary key, text text not null)`.execute(
		db
	);
	await sql`
		insert into bench_sentence (n, text)
		select n, t from unnest(${makeSentences(seed)}::text[]) with ordinality as u(t, n)
	`.execute(db);
	await sql`create unlogged table bench_word (n int primary key, word text not null)`.execute(db);
	await sql`
		insert into bench_word (n, word)
		select n, w from unnest(${titleWords()}::text[]) with ordinality as u(w, n)
	`.execute(db);
	await sql`analyze bench_sentence, bench_word`.execute(db);
}

export async function dropTextTables(db: Database): Promise<void> {
	await sql`drop table if exists bench_sentence, bench_word`.execute(db);
}

/**
 * SQL for a text of `count` sentences starting at pool position `from` (both SQL expressions),
 * joined by `separator`: a correlated lookup by primary key per sentence.
 */
export function sentences(
	from: RawBuilder<unknown>,
	count: RawBuilder<unknown>,
	separator: string
) {
	return sql`(
		select string_agg(s.text, ${separator} order by j)
		from generate_series(0, ${count} - 1) as j
		join bench_sentence s on s.n = 1 + ((${from} + j * 97) % ${SENTENCE_POOL})
	)`;
}
