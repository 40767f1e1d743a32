/**
 * The PostgreSQL search index: `search_document` rows kept in step with their sources, and the
 * queries over them. User text only ever reaches PostgreSQL as a bound parameter; the text search
 * parser (websearch_to_tsquery, to_tsquery of letters and digits only) decides what it means.
 * Every query carries the viewer's visibility in its WHERE clause, so limits and counts see only
 * what the viewer may see.
 */
import { sql, type RawBuilder } from 'kysely';
import type { Database } from '../db/index.ts';
import type { SearchKind } from '../../shared/schemas/search.ts';
import { MARK_END, MARK_START } from './highlight.ts';
import { DOCUMENT_COLUMNS, documentSource } from './indexers.ts';
import type { ViewerFilter } from './search-engine.ts';

/** Counts stop here: beyond it a number adds nothing for a person and costs a scan. */
export const COUNT_CAP = 1000;

/** Title (A) well above body (B); C and D are unused. Order: {D, C, B, A}. */
const WEIGHTS = sql.lit('{0.05, 0.1, 0.4, 1.0}');
const HEADLINE = `StartSel=${MARK_START}, StopSel=${MARK_END}, MaxFragments=2, MaxWords=24, MinWords=10, ShortWord=2, FragmentDelimiter=" … "`;
const HEADLINE_ALL = `StartSel=${MARK_START}, StopSel=${MARK_END}, HighlightAll=true`;

const columns = sql.join(DOCUMENT_COLUMNS.map((c) => sql.ref(c)));
// A rebuild and the outbox worker may write the same document at once: the later one wins.
const upsert = sql.raw(
	`on conflict (kind, source_id) do update set ${DOCUMENT_COLUMNS.filter(
		(c) => c !== 'kind' && c !== 'source_id'
	)
		.map((c) => `${c} = excluded.${c}`)
		.join(', ')}`
);

export async function hasAnyDocument(db: Database): Promise<boolean> {
	const { rows } = await sql<{ any: boolean }>`
		select exists (select 1 from search_document) as any
	`.execute(db);
	return rows[0]?.any === true;
}

/** Adds the words of these documents' titles to the typo dictionary (search_word). */
function rememberTitleWords(kind: SearchKind, ids: number[] | null): RawBuilder<unknown> {
	return sql`
		insert into search_word (word)
		select distinct w from search_document d,
			regexp_split_to_table(lower(unaccent(d.title)), '[^[:alnum:]]+') as w
		where d.kind = ${kind} and d.title <> '' and length(w) between 3 and 60
			${ids === null ? sql`` : sql`and d.source_id = any(${ids}::bigint[])`}
		on conflict do nothing`;
}

/** Replaces the documents of these sources with what their source rows say now. */
export async function syncDocuments(trx: Database, kind: SearchKind, ids: number[]) {
	if (!ids.length) return;
	await sql`
		delete from search_document where kind = ${kind} and source_id = any(${ids}::bigint[])
	`.execute(trx);
	await sql`
		insert into search_document (${columns}) ${documentSource(kind, ids)} ${upsert}
	`.execute(trx);
	await rememberTitleWords(kind, ids).execute(trx);
}

/** Rebuilds one kind from scratch in one statement; returns how many documents it has now. */
export async function rebuildDocuments(trx: Database, kind: SearchKind): Promise<number> {
	await sql`delete from search_document where kind = ${kind}`.execute(trx);
	const result = await sql`
		insert into search_document (${columns}) ${documentSource(kind, null)} ${upsert}
	`.execute(trx);
	await rememberTitleWords(kind, null).execute(trx);
	return Number(result.numAffectedRows ?? 0);
}

export function visibleTo(viewer: ViewerFilter): RawBuilder<unknown> {
	return sql`
		(d.department_id is null or d.department_id <> all(${viewer.hiddenDepartmentIds}::bigint[]))
		and (d.allowed_user_ids is null or d.allowed_user_ids @> array[${viewer.userId}]::bigint[])`;
}

export type DocumentFilters = {
	viewer: ViewerFilter;
	kinds: SearchKind[];
	departmentIds: (number | null)[] | null;
};

function filtered(filters: DocumentFilters, withKinds: boolean): RawBuilder<unknown> {
	const parts = [visibleTo(filters.viewer)];
	if (withKinds && filters.kinds.length) parts.push(sql`d.kind = any(${filters.kinds}::text[])`);
	if (filters.departmentIds) {
		const ids = filters.departmentIds.filter((id): id is number => id !== null);
		const organisation = filters.departmentIds.includes(null);
		parts.push(
			sql`(d.department_id = any(${ids}::bigint[])${organisation ? sql` or d.department_id is null` : sql``})`
		);
	}
	return sql.join(parts, sql` and `);
}

export type RankedKey = { rank: number; kind: string; sourceId: number };

function after(key: RankedKey | null): RawBuilder<unknown> {
	return key
		? sql`and (s.rank < ${key.rank}::real or (s.rank = ${key.rank}::real and (s.kind, s.source_id) > (${key.kind}::text, ${key.sourceId}::bigint)))`
		: sql``;
}

export type DocumentHitRow = {
	kind: SearchKind;
	sourceId: number;
	rank: number;
	url: string;
	title: string;
	titleMarked: string;
	snippetMarked: string;
	context: string;
	departmentId: number | null;
	authorId: number | null;
	authorName: string | null;
	departmentSlug: string | null;
	departmentName: string | null;
	createdAt: Date;
	updatedAt: Date;
};

/** Whether `text` parses to any searchable word at all (not only "the", "and", punctuation). */
export async function hasSearchableWords(db: Database, text: string): Promise<boolean> {
	const { rows } = await sql<{ n: number }>`
		select numnode(websearch_to_tsquery('commons', ${text})) as n
	`.execute(db);
	return Number(rows[0]?.n ?? 0) > 0;
}

/**
 * How many of the newest matches are ranked when a word is common: the newest CANDIDATES title
 * matches (on their own branch, so a title match is not crowded out by bodies) and the newest
 * CANDIDATES matches anywhere. Older matches of a very common word are not reachable, as with
 * any engine's hit cap (Meilisearch stops at 1,000). Known weakness (bench/README.md): when the
 * planner expects many matches but there are few (several words, phrases), "newest first with a
 * limit" walks the updated_at index a long way; 1,000 measured better than 300 for that reason.
 */
export const CANDIDATES = 1000;
const SUGGEST_CANDIDATES = 200;
/** The window searched newest first before older matches are looked at. */
const RECENT_DAYS = 30;

/**
 * The candidate rows for a tsquery, planner-proof: the newest `limit` body matches of the last
 * RECENT_DAYS (a walk of the updated_at index that the window bounds), and only when those are
 * too few, the newest of the older matches through the GIN index alone (the `+ interval '0'`
 * keeps the planner off the index walk, which would cross the whole table when matches are
 * rare). Title matches come from their own small index.
 */
export function candidateRows(where: RawBuilder<unknown>, limit: number): RawBuilder<unknown> {
	return sql`
		title_hits as (
			select d.kind, d.source_id from search_document d, q
			where d.title <> '' and to_tsvector('commons', d.title) @@ q.query and ${where}
			order by d.updated_at + interval '0' desc limit ${limit}
		),
		recent as (
			select d.kind, d.source_id from search_document d, q
			where d.document @@ q.query and ${where}
				and d.updated_at > now() - make_interval(days => ${RECENT_DAYS})
			order by d.updated_at desc limit ${limit}
		),
		older as (
			select d.kind, d.source_id from search_document d, q
			where (select count(*) from recent) < ${limit}
				and d.document @@ q.query and ${where}
				and d.updated_at <= now() - make_interval(days => ${RECENT_DAYS})
			order by d.updated_at + interval '0' desc limit ${limit}
		),
		candidates as (
			select * from title_hits union select * from recent union select * from older
		)`;
}

/**
 * One page of documents matching `tsquery` (web-search syntax parsed by PostgreSQL), best
 * first: a title match always above a body-only one, then cover density (ts_rank_cd), among
 * every title match and the newest CANDIDATES matches. Keyset on (rank, kind, id). Department
 * names and authors come along so one query serves the page.
 */
export async function searchByWords(
	db: Database,
	tsquery: RawBuilder<unknown>,
	filters: DocumentFilters,
	key: RankedKey | null,
	limit: number
): Promise<DocumentHitRow[]> {
	const where = filtered(filters, true);
	const { rows } = await sql<DocumentHitRow>`
		with q as (select ${tsquery} as query),
		${candidateRows(where, CANDIDATES)},
		page as (
			select s.kind, s.source_id, s.rank from (
				select d.kind, d.source_id,
					((d.title <> '' and to_tsvector('commons', d.title) @@ q.query)::int
						+ ts_rank_cd(${WEIGHTS}, d.document, q.query, 32))::real as rank
				from candidates c join search_document d using (kind, source_id), q
			) s
			where true ${after(key)}
			order by s.rank desc, s.kind, s.source_id
			limit ${limit}
		)
		select d.kind, d.source_id, page.rank, d.url, d.title, d.context, d.department_id,
			d.author_id, d.created_at, d.updated_at,
			ts_headline('commons', d.title, q.query, ${HEADLINE_ALL}) as title_marked,
			ts_headline('commons', d.body, q.query, ${HEADLINE}) as snippet_marked,
			dep.slug as department_slug, dep.name as department_name, u.name as author_name
		from page join search_document d using (kind, source_id) cross join q
			left join department dep on dep.id = d.department_id
			left join users u on u.id = d.author_id
		order by page.rank desc, d.kind, d.source_id
	`.execute(db);
	return rows;
}

/** websearch_to_tsquery of what was typed: quotes, -word, or. */
export function webSearchQuery(text: string): RawBuilder<unknown> {
	return sql`websearch_to_tsquery('commons', ${text})`;
}

/**
 * The closest title or name word to each typed word (trigram similarity), for when nothing
 * matched as written; a word with no close match is kept. Returns the corrected text, or null
 * when nothing changed.
 */
export async function correctSpelling(db: Database, words: string[]): Promise<string | null> {
	if (!words.length) return null;
	const { rows } = await sql<{ word: string; fix: string | null }>`
		select t.word, (
			select w.word from search_word w
			where w.word % t.word order by similarity(w.word, t.word) desc, w.word limit 1
		) as fix
		from unnest(${words}::text[]) with ordinality as t(word, n)
		order by t.n
	`.execute(db);
	const fixed = rows.map((r) => r.fix ?? r.word);
	return fixed.join(' ') === words.join(' ') ? null : fixed.join(' ');
}

/** Matches per kind for `text`, over at most COUNT_CAP visible documents. */
export async function countByWords(
	db: Database,
	tsquery: RawBuilder<unknown>,
	filters: DocumentFilters
): Promise<{ counts: Partial<Record<SearchKind, number>>; capped: boolean }> {
	const { rows } = await sql<{ kind: SearchKind; n: number }>`
		select m.kind, count(*)::int as n from (
			select d.kind from search_document d
			where d.document @@ ${tsquery} and ${filtered(filters, false)}
			limit ${COUNT_CAP}
		) m group by m.kind
	`.execute(db);
	return countsOf(rows);
}

function countsOf(rows: { kind: SearchKind; n: number }[]) {
	const counts: Partial<Record<SearchKind, number>> = {};
	let total = 0;
	for (const row of rows) {
		counts[row.kind] = Number(row.n);
		total += Number(row.n);
	}
	return { counts, capped: total >= COUNT_CAP };
}

export type SuggestionRow = {
	kind: SearchKind;
	sourceId: number;
	url: string;
	labelMarked: string;
};

/**
 * As-you-type suggestions for a prefix tsquery (built by the service from letters and digits
 * only), titled documents (pages, people, threads) first, then the best body matches.
 */
export async function suggestByPrefix(
	db: Database,
	prefixQuery: string,
	viewer: ViewerFilter,
	limit: number
): Promise<SuggestionRow[]> {
	// The same two candidate branches as a search, smaller: a short prefix matches a great deal.
	const { rows } = await sql<SuggestionRow>`
		with q as (select to_tsquery('commons', ${prefixQuery}) as query),
		${candidateRows(visibleTo(viewer), SUGGEST_CANDIDATES)},
		best as (
			select d.kind, d.source_id,
				((d.title <> '' and to_tsvector('commons', d.title) @@ q.query)::int
					+ ts_rank_cd(${WEIGHTS}, d.document, q.query, 32))::real as rank
			from candidates c join search_document d using (kind, source_id), q
			order by rank desc, d.updated_at desc
			limit ${limit}
		)
		select d.kind, d.source_id, d.url,
			ts_headline('commons', case when d.title <> '' then d.title else left(d.body, 120) end,
				q.query, ${HEADLINE_ALL}) as label_marked
		from best join search_document d using (kind, source_id) cross join q
		order by best.rank desc, d.updated_at desc
	`.execute(db);
	return rows;
}

/** Names of the departments and people that hits belong to (engines that store only ids). */
export async function describeHitOwners(
	db: Database,
	departmentIds: number[],
	personIds: number[]
) {
	const [departments, people] = await Promise.all([
		departmentIds.length
			? db
					.selectFrom('department')
					.where('id', 'in', [...new Set(departmentIds)])
					.select(['id', 'slug', 'name'])
					.execute()
			: [],
		personIds.length
			? db
					.selectFrom('users')
					.where('id', 'in', [...new Set(personIds)])
					.select(['id', 'name'])
					.execute()
			: []
	]);
	return {
		departments: new Map(departments.map((d) => [d.id, d])),
		people: new Map(people.map((p) => [p.id, p]))
	};
}
