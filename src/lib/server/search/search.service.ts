/**
 * One search over pages, posts, comments, threads, messages, memos and people, as the signed-in
 * person may see them. The engine (PostgreSQL by default, Meilisearch when configured) applies
 * visibility inside its query; this service parses input, resolves filters, and turns marked
 * text into safe HTML.
 */
import { config } from '../config.ts';
import type { RequestContext } from '../context.ts';
import { db } from '../db/index.ts';
import { ValidationError } from '../errors.ts';
import type { Actor } from '../org/actor.ts';
import {
	getDepartment,
	getDepartmentBySlug,
	listSubtreeIds
} from '../org/department.repository.ts';
import { requireActor } from '../feeds/post.service.ts';
import {
	SEARCH_QUERY_MAX_LENGTH,
	type SearchQuery,
	type SuggestQuery
} from '../../shared/schemas/search.ts';
import type { SearchHit, SearchResponse, SearchSuggestion } from '../../shared/search.ts';
import { plainText, renderHighlight } from './highlight.ts';
import { createMeiliEngine } from './meili-engine.ts';
import { postgresEngine } from './postgres-engine.ts';
import type { SearchEngine, ViewerFilter } from './search-engine.ts';

const ENGINE = Symbol.for('commons.searchEngine');
type Holder = { [ENGINE]?: SearchEngine };

/** The configured engine, created once per process. */
export function searchEngine(): SearchEngine {
	const holder = globalThis as Holder;
	if (!holder[ENGINE]) {
		const cfg = config().search;
		holder[ENGINE] = cfg.engine === 'meilisearch' ? createMeiliEngine(cfg) : postgresEngine;
	}
	return holder[ENGINE];
}

export function viewerOf(actor: Actor): ViewerFilter {
	return { userId: actor.id, hiddenDepartmentIds: actor.hiddenDepartmentIds };
}

/** `organisation`, a department id or slug -> the departments to search in, subtree included. */
async function departmentScope(
	actor: Actor,
	department: SearchQuery['department']
): Promise<(number | null)[] | null> {
	if (department === undefined) return null;
	if (department === 'organisation') return [null];
	const found =
		typeof department === 'number'
			? await getDepartment(db(), department)
			: await getDepartmentBySlug(db(), department);
	// A department the person may not see does not exist for them.
	if (!found || actor.hiddenDepartmentIds.includes(found.id))
		throw new ValidationError('That department does not exist.', {
			department: 'Choose one of the listed departments.'
		});
	return listSubtreeIds(db(), found.id);
}

function noticeFor(
	query: SearchQuery['q'],
	result: { mode: string; onlyStopWords: boolean; correctedQuery: string | null }
) {
	if (result.onlyStopWords)
		return /[\p{L}\p{N}]/u.test(query.text)
			? 'Those words are too common to search for. Add a more specific word.'
			: 'Search for words or names: symbols and punctuation on their own find nothing.';
	if (query.truncated)
		return `Only the first ${SEARCH_QUERY_MAX_LENGTH} characters of your search were used.`;
	if (result.mode === 'typo')
		return `Nothing matched “${query.text}”; showing results for “${result.correctedQuery}”.`;
	return null;
}

/**
 * Searches everything the signed-in person may see. An empty query answers with no hits and a
 * notice, not an error. Throws UnauthorizedError (no one signed in) and ValidationError (unknown
 * department, a cursor this server did not give).
 */
export async function searchEverything(
	ctx: RequestContext,
	input: SearchQuery
): Promise<SearchResponse> {
	const actor = requireActor(ctx);
	const base = {
		query: input.q.text,
		correctedQuery: null,
		counts: {},
		countsCapped: false,
		nextCursor: null
	};
	if (!input.q.text)
		return { ...base, mode: 'none', hits: [], notice: 'Type a word or a name to search for.' };
	const result = await searchEngine().search(db(), {
		text: input.q.text,
		viewer: viewerOf(actor),
		kinds: input.type,
		departmentIds: await departmentScope(actor, input.department),
		after: input.cursor ?? null,
		limit: input.limit
	});
	const hits: SearchHit[] = result.hits.map((h) => ({
		kind: h.kind,
		id: h.sourceId,
		url: h.url,
		title: h.title,
		titleHtml: renderHighlight(h.titleMarked),
		snippetHtml: renderHighlight(h.snippetMarked),
		context: h.context,
		department: h.department,
		author: h.author,
		createdAt: h.createdAt.toISOString(),
		updatedAt: h.updatedAt.toISOString()
	}));
	return {
		...base,
		mode: result.mode,
		correctedQuery: result.correctedQuery,
		hits,
		counts: result.counts,
		countsCapped: result.countsCapped,
		nextCursor: result.next,
		notice: noticeFor(input.q, result)
	};
}

/**
 * As-you-type suggestions for the header box: the best few documents whose words start with
 * what was typed, as the signed-in person may see them. Empty input gives none.
 */
export async function suggest(
	ctx: RequestContext,
	input: SuggestQuery
): Promise<SearchSuggestion[]> {
	const actor = requireActor(ctx);
	if (!input.q.text) return [];
	const rows = await searchEngine().suggest(db(), {
		text: input.q.text,
		viewer: viewerOf(actor),
		limit: input.limit
	});
	return rows.map((r) => ({
		kind: r.kind,
		id: r.sourceId,
		url: r.url,
		label: plainText(r.labelMarked),
		labelHtml: renderHighlight(r.labelMarked)
	}));
}
