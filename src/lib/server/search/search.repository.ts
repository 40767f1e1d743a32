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

/** Title (A) well above body (B); C and D are unused. Order: {D, C, B, A}. */
const WEIGHTS = sql.lit('{0.05, 0.1, 0.4, 1.0}');
const HEADLINE = `StartSel=${MARK_START}, StopSel=${MARK_END}, MaxFragments=2, MaxWords=24, MinWords=10, ShortWord=2, FragmentDelimiter=" … "`;
const HEADLINE_ALL = `StartSel=${MARK_START}, StopSel=${MARK_END}, HighlightAll=true`;

/**
 * Does the query match the document's title? Read from the document's own title lexemes (weight
 * A) rather than by parsing the title again: the same answer, and parsing cost about 4 µs a
 * candidate, a tenth of ranking 400 of them.
 */
function titleMatch(tsquery: RawBuilder<unknown>): RawBuilder<unknown> {
	return sql`(ts_filter(d.document, '{a}') @@ ${tsquery})`;
}

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
	// `|| ''` keeps the planner from ANDing the primary key's kind entries into the bitmap (a
	// tenth of the table read to drop rows the heap check drops anyway for free).
	if (withKinds && filters.kinds.length)
		parts.push(sql`(d.kind || '') = any(${filters.kinds}::text[])`);
	if (filters.departmentIds) {
		const ids = filters.departmentIds.filter((id): id is number => id !== null);
		const organisation = filters.departmentIds.includes(null);
		parts.push(
			sql`(d.department_id = any(${ids}::bigint[])${organisation ? sql` or d.department_id is null` : sql``})`
		);
	}
	return sql.join(parts, sql` and `);
}

/**
 * The kinds with a title, which also have a GIN index of their own over their documents
 * (migration 2026_12_04_1600_create_search_titled_index: its predicate is this list).
 */
export const TITLED_KINDS: readonly SearchKind[] = ['page', 'thread', 'memo', 'person'];

/**
 * For a search filtered to titled kinds only (pages, say), the kinds named plainly: PostgreSQL
 * uses a partial index only when the query's own conditions imply its predicate, and the
 * `|| ''` form in `filtered` hides them. Their index holds about a sixth of the documents, so the
 * older matches of "pages only" are read among those instead of among every match of the word
 * (1.5 ms instead of 13 for a word with 1,800 matches, 370 of them pages).
 */
function titledKindsOnly(filters: DocumentFilters): RawBuilder<unknown> {
	const { kinds } = filters;
	return kinds.length && kinds.every((kind) => TITLED_KINDS.includes(kind))
		? sql`and d.kind = any(${kinds}::text[])`
		: sql``;
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
 * A parsed query, inlined wherever it is used rather than computed once in a CTE: PostgreSQL
 * folds `websearch_to_tsquery('commons', $1)` to a constant while planning, so it can read each
 * word's frequency from the column's statistics and choose per query between walking the
 * newest documents (an everyday word: the first few hundred rows hold enough matches) and the
 * GIN index (a rare word). Behind a CTE every query got one blind plan, and an everyday word
 * cost a full posting-list scan (25 ms for a quarter of a million documents).
 */
export type TextQuery = {
	tsquery: RawBuilder<unknown>;
	/**
	 * Phrases (quotes, hyphenated words) are estimated as if their words could be anywhere,
	 * which overstates their matches many times over; their candidates are always taken
	 * through the GIN index so a misjudged walk cannot cross the table.
	 */
	phrase: boolean;
	/**
	 * Excludes a word (`-word`): a title can match while its body holds the excluded word, so
	 * title matches are checked against the whole document too.
	 */
	negated: boolean;
};

/**
 * How many of the newest matches are ranked: the newest CANDIDATES title matches (on their own
 * branch, so a title match is not crowded out by bodies) and the newest CANDIDATES matches
 * anywhere. Older matches of a very common word are not reachable, as with any engine's hit cap
 * (Meilisearch stops at 1,000); a more specific query reaches them.
 */
export const CANDIDATES = 200;
const SUGGEST_CANDIDATES = 50;
/** How many of the newest documents as-you-type suggestions look through for body matches. */
const SUGGEST_BODY_WINDOW = 5000;
/**
 * The window searched newest first before older matches are looked at. Its documents are also
 * in search_recent (kept by a trigger, pruned by `pruneRecentDocuments`), which holds 30 days:
 * this must not be longer.
 */
export const RECENT_DAYS = 30;
const PRUNE_BATCH = 5000;
/**
 * Matches in the window that make looking further back unnecessary: title matches of any age
 * have their own branch, and fetching every older match to find its newest (thousands of rows
 * for a word in a few percent of the documents) cost more than the rest of a search.
 */
const RECENT_ENOUGH = 50;

/**
 * Removes documents that have left the recent window from search_recent (the trigger that fills
 * it cannot see time pass). Until then they are only filtered out: the window is in the query.
 */
export async function pruneRecentDocuments(db: Database): Promise<number> {
	let removed = 0;
	for (;;) {
		// In batches, skipping rows another transaction holds: a rebuild deletes and rewrites
		// every document in one long transaction, and one statement locking the window's old
		// rows in its own order could deadlock with it. A row skipped is being rewritten anyway.
		const result = await sql`
			delete from search_recent where (kind, source_id) in (
				select kind, source_id from search_recent
				where updated_at <= now() - make_interval(days => ${RECENT_DAYS})
				limit ${sql.lit(PRUNE_BATCH)} for update skip locked
			)
		`.execute(db);
		const batch = Number(result.numAffectedRows ?? 0);
		removed += batch;
		if (batch < PRUNE_BATCH) return removed;
	}
}

/**
 * The candidate rows for a query: the newest `limit` title matches (from the narrow
 * search_title, whose word frequencies the planner knows), the newest `limit` body matches of the
 * last RECENT_DAYS (from search_recent, which holds only that window: a word's posting list
 * there is its recent matches alone, and a walk of its updated_at index is bounded by the
 * window), and only when those are fewer than RECENT_ENOUGH, the newest of the older matches
 * through the GIN index alone (the `+ interval '0'` keeps the planner off an index walk, which
 * would cross the whole table when matches are rare; phrases, whose matches it overestimates,
 * take the GIN index everywhere).
 */
export function candidateRows(
	query: TextQuery,
	filters: DocumentFilters,
	limit: number
): RawBuilder<unknown> {
	const where = filtered(filters, true);
	const newest = query.phrase ? sql`d.updated_at + interval '0'` : sql`d.updated_at`;
	return sql`
		title_hits as (
			select d.kind, d.source_id from search_title d
			where d.title_vector @@ ${query.tsquery} and ${where}
				${
					query.negated
						? sql`and exists (select 1 from search_document x
							where x.kind = d.kind and x.source_id = d.source_id
								and x.document @@ ${query.tsquery})`
						: sql``
				}
			order by ${newest} desc limit ${limit}
		),
		recent as (
			select d.kind, d.source_id from search_recent d
			where d.document @@ ${query.tsquery} and ${where}
				and d.updated_at > now() - make_interval(days => ${RECENT_DAYS})
			order by ${newest} desc limit ${limit}
		),
		older as (
			select d.kind, d.source_id from search_document d
			where (select count(*) from recent) < ${RECENT_ENOUGH}
				and d.document @@ ${query.tsquery} and ${where} ${titledKindsOnly(filters)}
				and d.updated_at <= now() - make_interval(days => ${RECENT_DAYS})
			order by d.updated_at + interval '0' desc limit ${limit}
		),
		candidates as (
			select * from title_hits union select * from recent union select * from older
		)`;
}

export type MatchCounts = { counts: Partial<Record<SearchKind, number>>; capped: boolean };

/**
 * One page of documents matching the query, best first: a title match always above a
 * body-only one, then cover density (ts_rank_cd), among the title matches and the newest
 * matches (see candidateRows). Keyset on (rank, kind, id). Department names and authors come
 * along so one query serves the page.
 *
 * With `countCandidates` (a first page over every kind), the counts per kind come from the
 * candidates themselves: exact when the window and the older matches were all read, otherwise
 * at least these many (`capped`). A separate count read a thousand matches again, which cost
 * as much as the search (a GIN scan of a quarter of a million entries for an everyday word).
 */
export async function searchByWords(
	db: Database,
	query: TextQuery,
	filters: DocumentFilters,
	key: RankedKey | null,
	limit: number,
	countCandidates = false
): Promise<{ rows: DocumentHitRow[]; counted: MatchCounts | null }> {
	const where = filtered(filters, true);
	const { rows } = await sql<DocumentHitRow & CandidateCountsRow>`
		with ${candidateRows(query, filters, CANDIDATES)},
		page as (
			select s.kind, s.source_id, s.rank from (
				select d.kind, d.source_id,
					(${titleMatch(query.tsquery)}::int
						+ ts_rank_cd(${WEIGHTS}, d.document, ${query.tsquery}, 32))::real as rank
				from candidates c join search_document d using (kind, source_id)
				-- Again on the documents themselves: the candidates came from mirrors.
				where ${where}
			) s
			where true ${after(key)}
			order by s.rank desc, s.kind, s.source_id
			limit ${limit}
		)
		select d.kind, d.source_id, page.rank, d.url, d.title, d.context, d.department_id,
			d.author_id, d.created_at, d.updated_at,
			ts_headline('commons', d.title, ${query.tsquery}, ${HEADLINE_ALL}) as title_marked,
			ts_headline('commons', d.body, ${query.tsquery}, ${HEADLINE}) as snippet_marked,
			dep.slug as department_slug, dep.name as department_name, u.name as author_name
			${countCandidates ? sql`, ${candidateCounts()}` : sql``}
		from page join search_document d using (kind, source_id)
			left join department dep on dep.id = d.department_id
			left join users u on u.id = d.author_id
		order by page.rank desc, d.kind, d.source_id
	`.execute(db);
	if (!countCandidates) return { rows, counted: null };
	return { rows, counted: matchCountsOf(rows[0]) };
}

/**
 * Matches per kind among the candidates (`candidateRows`): exact when the window and the older
 * matches were all read, otherwise lower bounds (`capped`). Reads the `candidates`, `recent` and
 * `older` CTEs.
 */
function candidateCounts(): RawBuilder<unknown> {
	return sql`
		(select json_object_agg(k.kind, k.n) from (
			select c.kind, count(*)::int as n from candidates c group by c.kind
		) k) as counts,
		((select count(*) from recent) >= ${RECENT_ENOUGH}
			or (select count(*) from older) >= ${CANDIDATES}) as capped`;
}

type CandidateCountsRow = { counts?: Record<string, number> | null; capped?: boolean };

function matchCountsOf(row: CandidateCountsRow | undefined): MatchCounts {
	const counts: Partial<Record<SearchKind, number>> = {};
	for (const [kind, n] of Object.entries(row?.counts ?? {})) counts[kind as SearchKind] = Number(n);
	return { counts, capped: row?.capped === true };
}

/**
 * Text the parser may turn into a phrase: quotes, or words joined by a hyphen, apostrophe,
 * dot, slash and the like ("e-mail" becomes 'e-mail' <-> 'e' <-> 'mail').
 */
const MAY_BE_PHRASE = /"|[\p{L}\p{N}][^\p{L}\p{N}\s]+[\p{L}\p{N}]/u;

/** A minus sign that websearch_to_tsquery reads as "without": before a word or a quote. */
const EXCLUDES = /(^|[^\p{L}\p{N}-])-["\p{L}\p{N}]/u;

/** websearch_to_tsquery of what was typed: quotes, -word, or. */
export function webSearchQuery(text: string): TextQuery {
	return {
		tsquery: sql`websearch_to_tsquery('commons', ${text})`,
		phrase: MAY_BE_PHRASE.test(text),
		negated: EXCLUDES.test(text)
	};
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

/**
 * Matches per kind for a first page filtered to some kinds (the tabs of the other kinds show
 * them too): counted among the candidates of every kind, as the first page over every kind
 * counts them, so a tab's number does not change with the tab that is open. (Counting up to a
 * thousand matches of any kind instead read as many table rows as the search itself.)
 */
export async function countCandidateMatches(
	db: Database,
	query: TextQuery,
	filters: DocumentFilters
): Promise<MatchCounts> {
	const { rows } = await sql<CandidateCountsRow>`
		with ${candidateRows(query, { ...filters, kinds: [] }, CANDIDATES)}
		select ${candidateCounts()}
	`.execute(db);
	return matchCountsOf(rows[0]);
}

export type SuggestionRow = {
	kind: SearchKind;
	sourceId: number;
	url: string;
	labelMarked: string;
};

/**
 * As-you-type suggestions for a prefix tsquery (built by the service from letters and digits
 * only): titled documents (pages, people, threads, memos), best first, and only when titles
 * give fewer than `limit`, matches among the SUGGEST_BODY_WINDOW newest documents too (the
 * results page reaches every body). A three-letter prefix expands to every word that starts
 * with it: tens of thousands of body matches for a common one, which the GIN index merges
 * before any is read, and PostgreSQL cannot tell a common prefix of unusual words from a rare
 * one (313 ms for a prefix in 43,000 bodies and no title, every match read to find the newest;
 * 40 ms with a 30-day window). Reading the newest documents and checking each costs the same
 * 2 ms whatever was typed.
 */
export async function suggestByPrefix(
	db: Database,
	prefixQuery: string,
	viewer: ViewerFilter,
	limit: number
): Promise<SuggestionRow[]> {
	const tsquery = sql`to_tsquery('commons', ${prefixQuery})`;
	const where = visibleTo(viewer);
	const { rows } = await sql<SuggestionRow>`
		with title_hits as (
			select d.kind, d.source_id from search_title d
			where d.title_vector @@ ${tsquery} and ${where}
			order by d.updated_at desc limit ${SUGGEST_CANDIDATES}
		),
		body_hits as (
			select d.kind, d.source_id from (
				select n.kind, n.source_id, n.document, n.department_id, n.allowed_user_ids,
					n.updated_at
				from search_document n
				where (select count(*) from title_hits) < ${limit}
				order by n.updated_at desc limit ${SUGGEST_BODY_WINDOW}
			) d
			where d.document @@ ${tsquery} and ${where}
			order by d.updated_at desc limit ${SUGGEST_CANDIDATES}
		),
		candidates as (select * from title_hits union select * from body_hits),
		best as (
			select d.kind, d.source_id,
				(${titleMatch(tsquery)}::int
					+ ts_rank_cd(${WEIGHTS}, d.document, ${tsquery}, 32))::real as rank
			from candidates c join search_document d using (kind, source_id)
			order by rank desc, d.updated_at desc
			limit ${limit}
		)
		select d.kind, d.source_id, d.url,
			ts_headline('commons', case when d.title <> '' then d.title else left(d.body, 120) end,
				${tsquery}, ${HEADLINE_ALL}) as label_marked
		from best join search_document d using (kind, source_id)
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
