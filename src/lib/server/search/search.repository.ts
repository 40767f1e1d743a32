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
export const COUNT_CAP = 10_000;

/** Title (A) well above body (B); C and D are unused. Order: {D, C, B, A}. */
const WEIGHTS = sql.lit('{0.05, 0.1, 0.4, 1.0}');
const TITLE_ONLY = sql.lit('{0, 0, 0, 1.0}');
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

/** Replaces the documents of these sources with what their source rows say now. */
export async function syncDocuments(trx: Database, kind: SearchKind, ids: number[]) {
	if (!ids.length) return;
	await sql`
		delete from search_document where kind = ${kind} and source_id = any(${ids}::bigint[])
	`.execute(trx);
	await sql`
		insert into search_document (${columns}) ${documentSource(kind, ids)} ${upsert}
	`.execute(trx);
}

/** Rebuilds one kind from scratch in one statement; returns how many documents it has now. */
export async function rebuildDocuments(trx: Database, kind: SearchKind): Promise<number> {
	await sql`delete from search_document where kind = ${kind}`.execute(trx);
	const result = await sql`
		insert into search_document (${columns}) ${documentSource(kind, null)} ${upsert}
	`.execute(trx);
	return Number(result.numAffectedRows ?? 0);
}

function visibleTo(viewer: ViewerFilter): RawBuilder<unknown> {
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
 * One page of documents matching `text` in web-search syntax (quotes, -word, or), best first:
 * a title match always above a body-only one, then cover density. Keyset on (rank, kind, id).
 */
export async function searchByWords(
	db: Database,
	text: string,
	filters: DocumentFilters,
	key: RankedKey | null,
	limit: number
): Promise<DocumentHitRow[]> {
	const { rows } = await sql<DocumentHitRow>`
		with q as (select websearch_to_tsquery('commons', ${text}) as query),
		page as (
			select s.kind, s.source_id, s.rank from (
				select d.kind, d.source_id,
					((ts_rank_cd(${TITLE_ONLY}, d.document, q.query) > 0)::int
						+ ts_rank_cd(${WEIGHTS}, d.document, q.query, 32))::real as rank
				from search_document d, q
				where d.document @@ q.query and ${filtered(filters, true)}
			) s
			where true ${after(key)}
			order by s.rank desc, s.kind, s.source_id
			limit ${limit}
		)
		select d.kind, d.source_id, page.rank, d.url, d.title, d.context, d.department_id,
			d.author_id, d.created_at, d.updated_at,
			ts_headline('commons', d.title, q.query, ${HEADLINE_ALL}) as title_marked,
			ts_headline('commons', d.body, q.query, ${HEADLINE}) as snippet_marked
		from page join search_document d using (kind, source_id) cross join q
		order by page.rank desc, d.kind, d.source_id
	`.execute(db);
	return rows;
}

/** Matches per kind for `text`, over at most COUNT_CAP visible documents. */
export async function countByWords(
	db: Database,
	text: string,
	filters: DocumentFilters
): Promise<{ counts: Partial<Record<SearchKind, number>>; capped: boolean }> {
	const { rows } = await sql<{ kind: SearchKind; n: number }>`
		select m.kind, count(*)::int as n from (
			select d.kind from search_document d
			where d.document @@ websearch_to_tsquery('commons', ${text}) and ${filtered(filters, false)}
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

/**
 * Typo tolerance: titles and names that look like `text` (trigram word similarity), for when
 * no word matched as written ("procurment" finds "Procurement policy").
 */
export async function searchBySimilarTitle(
	db: Database,
	text: string,
	filters: DocumentFilters,
	key: RankedKey | null,
	limit: number
): Promise<DocumentHitRow[]> {
	const { rows } = await sql<DocumentHitRow>`
		select s.kind, s.source_id, s.rank, s.url, s.title, s.context, s.department_id, s.author_id,
			s.created_at, s.updated_at, s.title as title_marked,
			left(s.body, 200) as snippet_marked
		from (
			select d.*, word_similarity(${text}, d.title)::real as rank
			from search_document d
			where d.title <> '' and ${text} <% d.title and ${filtered(filters, true)}
		) s
		where true ${after(key)}
		order by s.rank desc, s.kind, s.source_id
		limit ${limit}
	`.execute(db);
	return rows;
}

export async function countBySimilarTitle(
	db: Database,
	text: string,
	filters: DocumentFilters
): Promise<{ counts: Partial<Record<SearchKind, number>>; capped: boolean }> {
	const { rows } = await sql<{ kind: SearchKind; n: number }>`
		select m.kind, count(*)::int as n from (
			select d.kind from search_document d
			where d.title <> '' and ${text} <% d.title and ${filtered(filters, false)}
			limit ${COUNT_CAP}
		) m group by m.kind
	`.execute(db);
	return countsOf(rows);
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
	const { rows } = await sql<SuggestionRow>`
		with q as (select to_tsquery('commons', ${prefixQuery}) as query),
		best as (
			select d.kind, d.source_id,
				((ts_rank_cd(${TITLE_ONLY}, d.document, q.query) > 0)::int
					+ ts_rank_cd(${WEIGHTS}, d.document, q.query, 32))::real as rank
			from search_document d, q
			where d.document @@ q.query and ${visibleTo(viewer)}
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

/** Names of the departments and people that hits belong to, for showing them. */
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
