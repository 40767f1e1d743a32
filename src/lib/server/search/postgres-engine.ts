/**
 * Search with PostgreSQL alone (the default): weighted tsvectors with a GIN index, web-search
 * syntax, ts_rank_cd ordering, ts_headline snippets, and trigram similarity on titles and names
 * when no word matched as written.
 */
import type { Database } from '../db/index.ts';
import { cancelOnAbort } from '../db/cancel.ts';
import { SEARCH_KINDS, type SearchKind } from '../../shared/schemas/search.ts';
import { decodeCursor, encodeCursor, type SearchCursor } from './cursor.ts';
import type {
	EngineHit,
	EngineResult,
	EngineSearch,
	EngineSuggestion,
	SearchEngine,
	ViewerFilter
} from './search-engine.ts';
import {
	correctSpelling,
	countCandidateMatches,
	hasAnyDocument,
	hasSearchableWords,
	rebuildDocuments,
	searchByWords,
	suggestByPrefix,
	syncDocuments,
	webSearchQuery,
	type DocumentFilters,
	type DocumentHitRow,
	type TextQuery
} from './search.repository.ts';

const WORD = /[\p{L}\p{N}]+/gu;

/**
 * A prefix tsquery for as-you-type: every word typed so far, the last one as a prefix. Only
 * letters and digits reach to_tsquery, so nothing typed can change the query's structure. The
 * last word also matches by a shorter prefix, because documents hold stems: "procureme" must
 * still find "procurement", stored as "procur".
 */
export function prefixQuery(text: string): string | null {
	const words = (text.normalize('NFKC').toLowerCase().match(WORD) ?? []).slice(-6);
	const last = words.pop();
	if (!last) return null;
	const alternatives = [`${last}:*`];
	if (last.length >= 6) alternatives.push(`${last.slice(0, Math.max(4, last.length - 3))}:*`);
	return [...words, `(${alternatives.join(' | ')})`].join(' & ');
}

function hitOf(row: DocumentHitRow): EngineHit {
	return {
		kind: row.kind,
		sourceId: Number(row.sourceId),
		url: row.url,
		title: row.title,
		titleMarked: row.titleMarked,
		snippetMarked: row.snippetMarked,
		context: row.context,
		department:
			row.departmentId === null
				? null
				: { id: Number(row.departmentId), slug: row.departmentSlug!, name: row.departmentName! },
		author: row.authorId === null ? null : { id: Number(row.authorId), name: row.authorName ?? '' },
		createdAt: row.createdAt,
		updatedAt: row.updatedAt
	};
}

function nextFrom(
	rows: DocumentHitRow[],
	limit: number,
	mode: 'words' | 'typo'
): { hits: EngineHit[]; next: string | null } {
	const hits = rows.slice(0, limit);
	const last = hits[hits.length - 1];
	return {
		hits: hits.map(hitOf),
		next:
			rows.length > limit && last
				? encodeCursor({
						mode,
						key: { rank: Number(last.rank), kind: last.kind, sourceId: Number(last.sourceId) }
					})
				: null
	};
}

const empty = (onlyStopWords: boolean): EngineResult => ({
	mode: 'none',
	hits: [],
	next: null,
	counts: {},
	countsCapped: false,
	onlyStopWords,
	correctedQuery: null
});

/** The words typed, for spelling correction (syntax such as quotes and minus is dropped). */
function wordsOf(text: string): string[] {
	return (text.normalize('NFKC').toLowerCase().match(WORD) ?? []).slice(0, 10);
}

/**
 * One page (and on the first page, the counts) for a tsquery. Over every kind the counts come
 * with the page (from its candidates); with a type filter the candidates hold only that type, so
 * the candidates of every type are counted on their own, the same way.
 */
async function pageOf(
	db: Database,
	query: TextQuery,
	filters: DocumentFilters,
	cursor: SearchCursor | null,
	limit: number
) {
	const key = cursor?.key ?? null;
	if (!cursor && !filters.kinds.length)
		return searchByWords(db, query, filters, key, limit + 1, true);
	const [found, counted] = await Promise.all([
		searchByWords(db, query, filters, key, limit + 1),
		cursor ? null : countCandidateMatches(db, query, filters)
	]);
	return { rows: found.rows, counted };
}

export const postgresEngine: SearchEngine = {
	name: 'postgres',

	async prepare() {
		// Everything lives in the database and its migrations.
	},

	async isEmpty(db: Database) {
		return !(await hasAnyDocument(db));
	},

	async sync(trx: Database, kind: SearchKind, ids: number[]) {
		await syncDocuments(trx, kind, ids);
	},

	async rebuild(db: Database, signal?: AbortSignal) {
		return db.transaction().execute(async (trx) => {
			// One transaction: a rebuild stopped half-way leaves the index as it was.
			const stopListening = await cancelOnAbort(trx, db, signal);
			try {
				const counts: Partial<Record<SearchKind, number>> = {};
				for (const kind of SEARCH_KINDS) {
					signal?.throwIfAborted();
					counts[kind] = await rebuildDocuments(trx, kind);
				}
				return counts;
			} finally {
				stopListening();
			}
		});
	},

	async search(db: Database, query: EngineSearch): Promise<EngineResult> {
		const cursor = decodeCursor(query.after ?? undefined);
		const filters: DocumentFilters = {
			viewer: query.viewer,
			kinds: query.kinds,
			departmentIds: query.departmentIds
		};
		const result = (
			mode: 'words' | 'typo',
			found: Awaited<ReturnType<typeof pageOf>>,
			correctedQuery: string | null
		): EngineResult => ({
			mode,
			...nextFrom(found.rows, query.limit, mode),
			counts: found.counted?.counts ?? {},
			countsCapped: found.counted?.capped ?? false,
			onlyStopWords: false,
			correctedQuery
		});
		if (cursor?.mode === 'typo') {
			const corrected = (await correctSpelling(db, wordsOf(query.text))) ?? query.text;
			const found = await pageOf(db, webSearchQuery(corrected), filters, cursor, query.limit);
			return result('typo', found, corrected);
		}
		const found = await pageOf(db, webSearchQuery(query.text), filters, cursor, query.limit);
		if (cursor || Object.keys(found.counted!.counts).length) return result('words', found, null);
		// Nothing matched as typed: only common words, or a misspelling of a real word?
		if (!(await hasSearchableWords(db, query.text))) return empty(true);
		const corrected = await correctSpelling(db, wordsOf(query.text));
		if (!corrected) return empty(false);
		const fixed = await pageOf(db, webSearchQuery(corrected), filters, null, query.limit);
		if (!fixed.rows.length) return empty(false);
		return result('typo', fixed, corrected);
	},

	async suggest(
		db: Database,
		query: { text: string; viewer: ViewerFilter; limit: number }
	): Promise<EngineSuggestion[]> {
		const tsquery = prefixQuery(query.text);
		if (!tsquery) return [];
		return suggestByPrefix(db, tsquery, query.viewer, query.limit);
	}
};
