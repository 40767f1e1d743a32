/**
 * Search with PostgreSQL alone (the default): weighted tsvectors with a GIN index, web-search
 * syntax, ts_rank_cd ordering, ts_headline snippets, and trigram similarity on titles and names
 * when no word matched as written.
 */
import type { Database } from '../db/index.ts';
import { SEARCH_KINDS, type SearchKind } from '../../shared/schemas/search.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import type {
	EngineResult,
	EngineSearch,
	EngineSuggestion,
	SearchEngine,
	ViewerFilter
} from './search-engine.ts';
import {
	countBySimilarTitle,
	countByWords,
	hasAnyDocument,
	hasSearchableWords,
	rebuildDocuments,
	searchBySimilarTitle,
	searchByWords,
	suggestByPrefix,
	syncDocuments,
	type DocumentFilters,
	type DocumentHitRow
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

function nextFrom(
	rows: DocumentHitRow[],
	limit: number,
	mode: 'words' | 'typo'
): { hits: DocumentHitRow[]; next: string | null } {
	if (rows.length <= limit) return { hits: rows, next: null };
	const hits = rows.slice(0, limit);
	const last = hits[hits.length - 1]!;
	return {
		hits,
		next: encodeCursor({
			mode,
			key: { rank: Number(last.rank), kind: last.kind, sourceId: last.sourceId }
		})
	};
}

const empty = (onlyStopWords: boolean): EngineResult => ({
	mode: 'none',
	hits: [],
	next: null,
	counts: {},
	countsCapped: false,
	onlyStopWords
});

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

	async rebuild(db: Database) {
		return db.transaction().execute(async (trx) => {
			const counts: Partial<Record<SearchKind, number>> = {};
			for (const kind of SEARCH_KINDS) counts[kind] = await rebuildDocuments(trx, kind);
			return counts;
		});
	},

	async search(db: Database, query: EngineSearch): Promise<EngineResult> {
		const cursor = decodeCursor(query.after ?? undefined);
		const filters: DocumentFilters = {
			viewer: query.viewer,
			kinds: query.kinds,
			departmentIds: query.departmentIds
		};
		if (cursor?.mode !== 'typo') {
			if (!(await hasSearchableWords(db, query.text))) return empty(true);
			const [rows, counted] = await Promise.all([
				searchByWords(db, query.text, filters, cursor?.key ?? null, query.limit + 1),
				cursor ? null : countByWords(db, query.text, filters)
			]);
			const anyMatch = cursor !== null || Object.keys(counted!.counts).length > 0;
			if (anyMatch) {
				const page = nextFrom(rows, query.limit, 'words');
				return {
					mode: 'words',
					...page,
					counts: counted?.counts ?? {},
					countsCapped: counted?.capped ?? false,
					onlyStopWords: false
				};
			}
		}
		// Nothing matched the words as written: look for titles and names spelled alike.
		const [rows, counted] = await Promise.all([
			searchBySimilarTitle(db, query.text, filters, cursor?.key ?? null, query.limit + 1),
			cursor ? null : countBySimilarTitle(db, query.text, filters)
		]);
		if (!rows.length && !cursor) return empty(false);
		return {
			mode: 'typo',
			...nextFrom(rows, query.limit, 'typo'),
			counts: counted?.counts ?? {},
			countsCapped: counted?.capped ?? false,
			onlyStopWords: false
		};
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
