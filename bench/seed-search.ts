/**
 * A large search index, written by PostgreSQL itself: `documents` rows of `search_document`
 * (default 1,000,000) in one `INSERT … SELECT generate_series`, on top of the demo organisation
 * (whose own content is indexed first through the real indexers).
 *
 * - Words come from a vocabulary of about 20,000: 240 everyday intranet words first, then
 *   made-up words of two to four syllables. Each word of a text is drawn with a skew towards the
 *   start of the list (index = V·u², so the commonest word is in about one document in five,
 *   the 100th in about one in seventy, the 10,000th in a few hundred), which is how word
 *   frequencies in real text fall off once stop words are gone.
 * - Kinds as an intranet has them: posts 35%, comments 25%, messages 25%, pages 6%, threads 4%,
 *   memos 3%, people 2%. Pages, threads, memos and people have a title of two to six words; the
 *   rest have none. Bodies are 8 to 60 words (pages up to 300).
 * - 15% organisation-wide, the rest spread over the demo departments (members-only ones
 *   included); 1% restricted to three named people (like memos to their recipients).
 * - Source ids start at 1,000,000,000 so they never collide with real content.
 *
 * Every choice hashes the row number with the seed (`hashint8extended`), so a seed always writes
 * the same rows. The search indexes are dropped for the load and built after it; the typo dictionary
 * (search_word) is filled from the titles.
 */
import { sql, type RawBuilder } from 'kysely';
import type { Database } from '../src/lib/server/db/index.ts';
import { postgresEngine } from '../src/lib/server/search/postgres-engine.ts';

export const COMMON_WORDS = `budget meeting report team project policy training leave office staff
review plan update safety contract procurement invoice payroll schedule holiday deadline
request approval manager department service customer complaint equipment vehicle maintenance
building security access password laptop network printer software license audit risk compliance
health wellbeing volunteer event conference travel expense claim receipt supplier tender
quotation purchase order delivery warehouse stock inventory asset disposal recycling waste
energy heating lighting parking bicycle shuttle canteen menu kitchen cleaning rota shift
overtime pension benefit recruitment interview vacancy induction onboarding appraisal
objective performance feedback coaching mentoring workshop webinar presentation agenda minutes
action decision proposal consultation strategy roadmap milestone launch release incident outage
backup restore migration database server cloud storage archive records retention privacy
consent complaint freedom information request response template form guidance handbook manual
procedure checklist inspection permit licence planning application hearing appeal tribunal
grant funding council committee board chair secretary treasurer member election vote ballot
newsletter announcement bulletin intranet website portal accessibility translation interpreter
community resident visitor library museum park playground road bridge tunnel drainage flood
storm winter gritting snow transport route timetable bus tram ferry airport harbour coast
river forest tree planting garden allotment school college apprenticeship internship graduate
research survey statistics dashboard metric target forecast quarter annual monthly weekly daily
urgent important reminder followup handover draft final signed approved rejected pending
closed resolved escalated assigned priority`
	.split(/\s+/)
	.filter(Boolean);

const SYLLABLES =
	`ka lo mi ne ru sa ti vo ba de fi gu ha jo ke li ma no pe qui ra se to un va we xi yo za
bre cla dri fro gla pli sto tra chu sha`
		.split(/\s+/)
		.filter(Boolean);

/** The vocabulary: everyday words first (the common end), then made-up words. */
export function vocabulary(size = 20_000): string[] {
	const words = [...new Set(COMMON_WORDS)];
	const seen = new Set(words);
	for (let i = 0; words.length < size; i++) {
		let n = i;
		let word = '';
		const length = 2 + (i % 3);
		for (let s = 0; s < length; s++) {
			word += SYLLABLES[n % SYLLABLES.length];
			n = Math.floor(n / SYLLABLES.length) + 7 * s + 3;
		}
		if (!seen.has(word)) {
			seen.add(word);
			words.push(word);
		}
	}
	return words;
}

export type SearchSeedResult = {
	documents: number;
	vocabulary: string[];
	seconds: number;
	steps: { step: string; seconds: number }[];
	counts: Record<string, number>;
};

const SOURCE_OFFSET = 1_000_000_000;

/**
 * The search indexes a bulk load drops first and builds after (as the migration defines them):
 * maintaining GIN indexes row by row makes a load of millions of documents many times slower.
 */
export const SEARCH_LOAD_INDEXES: Record<string, RawBuilder<unknown>> = {
	search_document_fts_idx: sql`create index search_document_fts_idx on search_document using gin (document)`,
	search_document_titled_fts_idx: sql`create index search_document_titled_fts_idx on search_document using gin (document) where kind in ('page', 'thread', 'memo', 'person')`,
	search_title_fts_idx: sql`create index search_title_fts_idx on search_title using gin (title_vector)`,
	search_document_updated_idx: sql`create index search_document_updated_idx on search_document (updated_at)`,
	search_recent_fts_idx: sql`create index search_recent_fts_idx on search_recent using gin (document)`,
	search_recent_updated_idx: sql`create index search_recent_updated_idx on search_recent (updated_at)`
};

export async function dropSearchLoadIndexes(db: Database): Promise<void> {
	for (const name of Object.keys(SEARCH_LOAD_INDEXES))
		await sql`drop index if exists ${sql.ref(name)}`.execute(db);
}

export async function seedSearch(
	db: Database,
	options: { documents: number; seed: number }
): Promise<SearchSeedResult> {
	const words = vocabulary();
	const started = performance.now();
	const steps: SearchSeedResult['steps'] = [];
	const step = async (name: string, run: () => Promise<unknown>) => {
		const t = performance.now();
		await run();
		steps.push({ step: name, seconds: Math.round((performance.now() - t) / 100) / 10 });
	};
	const seed = options.seed;
	// u in [0, 1) from the row number i, a salt and the seed.
	const u = (salt: string, extra = sql`0`) =>
		sql`((hashint8extended(i * 64 + ${sql.lit(Number(salt))} + ${extra}, ${seed}) & 2147483647)::float8 / 2147483648.0)`;

	await step('index the demo content', () => postgresEngine.rebuild(db));
	const indexes = SEARCH_LOAD_INDEXES;
	await step('drop search indexes for the load', () => dropSearchLoadIndexes(db));
	// Words are picked by number from a table: subscripting a 20,000-element text[] walks the
	// array on every pick, which made the load a hundred times slower.
	await step('vocabulary table', async () => {
		await sql`drop table if exists bench_vocab`.execute(db);
		await sql`create unlogged table bench_vocab (word_no int primary key, word text not null)`.execute(
			db
		);
		await sql`
			insert into bench_vocab (word_no, word)
			select n, w from unnest(${words}::text[]) with ordinality as t(w, n)
		`.execute(db);
	});
	const n = words.length;
	// One primary-key lookup per word (a join here is planned as a hash of the whole table per row).
	const text = (salt: string, count: RawBuilder<unknown>) => sql`(
		select string_agg((
			select v.word from bench_vocab v
			where v.word_no = 1 + least(${n - 1}, floor(${n} * power(${u(salt, sql`j * 131`)}, 2))::int)
		), ' ' order by j)
		from generate_series(1, ${count}) as j
	)`;
	await step(`insert ${options.documents.toLocaleString('en')} documents`, () =>
		sql`
			with departments as (select array_agg(id order by id) as ids, count(*)::int as n from department),
			people as (select array_agg(id order by id) as ids, count(*)::int as n from users),
			doc as (
				select i,
					case
						when ${u('1')} < 0.35 then 'post' when ${u('1')} < 0.60 then 'comment'
						when ${u('1')} < 0.85 then 'message' when ${u('1')} < 0.91 then 'page'
						when ${u('1')} < 0.95 then 'thread' when ${u('1')} < 0.98 then 'memo'
						else 'person'
					end as kind,
					-- two years, oldest first, so the table's physical order follows time as a real one does
					now() - make_interval(secs => (1 - i::float8 / ${options.documents}) * 63072000
						+ ${u('13')} * 3600) as at
				from generate_series(1, ${options.documents}::bigint) as i
			)
			insert into search_document (kind, source_id, department_id, allowed_user_ids, title,
				body, url, context, author_id, created_at, updated_at)
			select doc.kind, ${SOURCE_OFFSET} + doc.i,
				case when ${u('2')} < 0.15 then null
					else departments.ids[1 + floor(${u('3')} * departments.n)::int] end,
				case when ${u('4')} < 0.01 then array[
					people.ids[1 + floor(${u('5')} * people.n)::int],
					people.ids[1 + floor(${u('6')} * people.n)::int],
					people.ids[1 + floor(${u('7')} * people.n)::int]]::bigint[] end,
				case when doc.kind in ('page', 'thread', 'memo', 'person')
					then ${text('8', sql`2 + floor(${u('9')} * 5)::int`)} else '' end,
				${text('10', sql`8 + floor(${u('11')} * case when doc.kind = 'page' then 292 else 52 end)::int`)},
				'/bench/' || doc.kind || '/' || doc.i, '',
				people.ids[1 + floor(${u('12')} * people.n)::int],
				doc.at, doc.at
			from doc, departments, people
			order by doc.i
		`.execute(db)
	);
	await step('drop the vocabulary table', () => sql`drop table bench_vocab`.execute(db));
	await sql`set maintenance_work_mem = '512MB'`.execute(db);
	for (const [name, create] of Object.entries(indexes))
		await step(`build ${name}`, () => create.execute(db));
	await step('collect title words (typo dictionary)', () =>
		sql`
			insert into search_word (word)
			select distinct w from search_document d,
				regexp_split_to_table(lower(unaccent(d.title)), '[^[:alnum:]]+') as w
			where d.title <> '' and length(w) between 3 and 60
			on conflict do nothing
		`.execute(db)
	);
	await step('vacuum analyze', () =>
		sql`vacuum analyze search_document, search_title, search_recent`.execute(db)
	);
	const { rows } = await sql<{ kind: string; n: number }>`
		select kind, count(*)::int as n from search_document group by kind order by kind
	`.execute(db);
	return {
		documents: options.documents,
		vocabulary: words,
		seconds: Math.round((performance.now() - started) / 100) / 10,
		steps,
		counts: Object.fromEntries(rows.map((r) => [r.kind, r.n]))
	};
}
