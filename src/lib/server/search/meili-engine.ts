/**
 * Search with Meilisearch (when MEILI_URL is set), through the official client. Documents come
 * from the same indexers as PostgreSQL's; visibility travels as filterable attributes and every
 * search carries the viewer's filter, so hits, pages and facet counts never include what the
 * viewer may not see. Settings are applied at start-up (`prepare`).
 */
import { Meilisearch, type Index, type Task } from 'meilisearch';
import { sql } from 'kysely';
import type { Database } from '../db/index.ts';
import { ValidationError } from '../errors.ts';
import { SEARCH_KINDS, type SearchKind } from '../../shared/schemas/search.ts';
import { MARK_END, MARK_START } from './highlight.ts';
import { documentSource, type SourceDocument } from './indexers.ts';
import { describeHitOwners } from './search.repository.ts';
import type {
	EngineResult,
	EngineSearch,
	EngineSuggestion,
	SearchEngine,
	ViewerFilter
} from './search-engine.ts';

type MeiliDocument = {
	id: string;
	kind: SearchKind;
	sourceId: number;
	departmentId: number | null;
	/** True when everyone who may see the department may see it (no recipient list). */
	everyone: boolean;
	allowedUserIds: number[];
	title: string;
	body: string;
	url: string;
	context: string;
	authorId: number | null;
	createdAt: number;
	updatedAt: number;
};

const REBUILD_BATCH = 5000;
const TASK_WAIT = { timeout: 60_000, interval: 50 };

export const MEILI_SETTINGS = {
	// Attribute order is a ranking rule: a title match ranks above a body match.
	searchableAttributes: ['title', 'body'],
	filterableAttributes: ['kind', 'departmentId', 'everyone', 'allowedUserIds'],
	sortableAttributes: ['updatedAt'],
	displayedAttributes: ['*']
};

function toMeili(doc: SourceDocument): MeiliDocument {
	return {
		id: `${doc.kind}-${doc.sourceId}`,
		kind: doc.kind,
		sourceId: Number(doc.sourceId),
		departmentId: doc.departmentId === null ? null : Number(doc.departmentId),
		everyone: doc.allowedUserIds === null,
		allowedUserIds: (doc.allowedUserIds ?? []).map(Number),
		title: doc.title,
		body: doc.body,
		url: doc.url,
		context: doc.context,
		authorId: doc.authorId === null ? null : Number(doc.authorId),
		createdAt: new Date(doc.createdAt).getTime(),
		updatedAt: new Date(doc.updatedAt).getTime()
	};
}

/** The viewer's visibility as a Meilisearch filter (numbers only: nothing typed reaches it). */
export function visibilityFilter(viewer: ViewerFilter): string {
	const hidden = viewer.hiddenDepartmentIds.map((id) => Number(id)).filter(Number.isSafeInteger);
	const department = hidden.length
		? `(departmentId IS NULL OR departmentId NOT IN [${hidden.join(', ')}])`
		: '';
	const people = `(everyone = true OR allowedUserIds = ${Number(viewer.userId)})`;
	return [department, people].filter(Boolean).join(' AND ');
}

function scopeFilter(query: EngineSearch, withKinds: boolean): string[] {
	const parts = [visibilityFilter(query.viewer)];
	if (withKinds && query.kinds.length)
		parts.push(`kind IN [${query.kinds.map((k) => JSON.stringify(k)).join(', ')}]`);
	if (query.departmentIds) {
		const ids = query.departmentIds.filter((id): id is number => id !== null).map(Number);
		const options = [
			...(ids.length ? [`departmentId IN [${ids.join(', ')}]`] : []),
			...(query.departmentIds.includes(null) ? ['departmentId IS NULL'] : [])
		];
		parts.push(`(${options.join(' OR ') || 'departmentId IN []'})`);
	}
	return parts;
}

function decodeOffset(after: string | null): number {
	if (!after) return 0;
	const offset = Number(Buffer.from(after, 'base64url').toString('utf8').replace(/^m:/, ''));
	if (!Number.isSafeInteger(offset) || offset < 0 || offset > 100_000)
		throw new ValidationError('That cursor is not one this server gave; start the search again.', {
			cursor: 'Use the nextCursor of the previous page.'
		});
	return offset;
}

async function settled(task: Promise<Task>): Promise<void> {
	const done = await task;
	if (done.status !== 'succeeded')
		throw new Error(`Meilisearch task ${done.uid} ${done.status}: ${done.error?.message ?? ''}`);
}

export function createMeiliEngine(options: {
	url: string;
	apiKey: string | undefined;
	index: string;
}): SearchEngine & { index: Index<MeiliDocument> } {
	const client = new Meilisearch({ host: options.url, apiKey: options.apiKey });
	const index = client.index<MeiliDocument>(options.index);

	async function push(docs: SourceDocument[]) {
		if (docs.length)
			await settled(
				index.addDocuments(docs.map(toMeili), { primaryKey: 'id' }).waitTask(TASK_WAIT)
			);
	}

	async function applySettings() {
		try {
			await settled(client.createIndex(options.index, { primaryKey: 'id' }).waitTask(TASK_WAIT));
		} catch (error) {
			if (!(error instanceof Error && /already exists/.test(error.message))) throw error;
		}
		await settled(index.updateSettings(MEILI_SETTINGS).waitTask(TASK_WAIT));
	}
	// Settings must be in place before any filter is used; a failed attempt (Meilisearch down at
	// start-up) is tried again by the next call.
	let prepared: Promise<void> | null = null;
	function ready(): Promise<void> {
		prepared ??= applySettings().catch((error) => {
			prepared = null;
			throw error;
		});
		return prepared;
	}

	return {
		name: 'meilisearch',
		index,

		prepare: ready,

		async isEmpty() {
			await ready();
			const stats = await index.getStats();
			return stats.numberOfDocuments === 0;
		},

		async sync(trx: Database, kind: SearchKind, ids: number[]) {
			await ready();
			const { rows } = await documentSource(kind, ids).execute(trx);
			await push(rows);
			const present = new Set(rows.map((r) => Number(r.sourceId)));
			const gone = ids.filter((id) => !present.has(id)).map((id) => `${kind}-${id}`);
			if (gone.length) await settled(index.deleteDocuments(gone).waitTask(TASK_WAIT));
		},

		async rebuild(db: Database, signal?: AbortSignal) {
			await ready();
			await settled(index.deleteAllDocuments().waitTask(TASK_WAIT));
			const counts: Partial<Record<SearchKind, number>> = {};
			for (const kind of SEARCH_KINDS) {
				let last = 0;
				counts[kind] = 0;
				for (;;) {
					// Stopped between batches at shutdown: the job fails and runs again at the next
					// start; the index is partial until then.
					signal?.throwIfAborted();
					const { rows } = await sql<SourceDocument>`
						select * from (${documentSource(kind, null)}) s
						where s.source_id > ${last} order by s.source_id limit ${REBUILD_BATCH}
					`.execute(db);
					await push(rows);
					counts[kind] += rows.length;
					if (rows.length < REBUILD_BATCH) break;
					last = Number(rows[rows.length - 1]!.sourceId);
				}
			}
			return counts;
		},

		async search(db: Database, query: EngineSearch): Promise<EngineResult> {
			await ready();
			const offset = decodeOffset(query.after);
			const common = {
				attributesToHighlight: ['title'],
				attributesToCrop: ['body'],
				cropLength: 30,
				highlightPreTag: MARK_START,
				highlightPostTag: MARK_END
			};
			const [page, facets] = await Promise.all([
				index.search(query.text, {
					...common,
					filter: scopeFilter(query, true),
					offset,
					limit: query.limit + 1
				}),
				offset === 0
					? index.search(query.text, {
							filter: scopeFilter(query, false),
							limit: 0,
							facets: ['kind']
						})
					: null
			]);
			const shown = page.hits.slice(0, query.limit);
			const owners = await describeHitOwners(
				db,
				shown.map((h) => h.departmentId).filter((id): id is number => id !== null),
				shown.map((h) => h.authorId).filter((id): id is number => id !== null)
			);
			const hits = shown.map((h) => ({
				kind: h.kind,
				sourceId: h.sourceId,
				url: h.url,
				title: h.title,
				titleMarked: h._formatted?.title ?? h.title,
				snippetMarked: h._formatted?.body ?? h.body.slice(0, 200),
				context: h.context,
				department:
					h.departmentId === null ? null : (owners.departments.get(h.departmentId) ?? null),
				author: h.authorId === null ? null : (owners.people.get(h.authorId) ?? null),
				createdAt: new Date(h.createdAt),
				updatedAt: new Date(h.updatedAt)
			}));
			const counts: Partial<Record<SearchKind, number>> = {};
			for (const [kind, n] of Object.entries(facets?.facetDistribution?.kind ?? {}))
				counts[kind as SearchKind] = n;
			return {
				mode: hits.length ? 'words' : 'none',
				hits,
				next:
					page.hits.length > query.limit
						? Buffer.from(`m:${offset + query.limit}`).toString('base64url')
						: null,
				counts,
				countsCapped: false,
				onlyStopWords: false,
				// Meilisearch forgives typos inside its own ranking.
				correctedQuery: null
			};
		},

		async suggest(_db: Database, query: { text: string; viewer: ViewerFilter; limit: number }) {
			await ready();
			const result = await index.search(query.text, {
				filter: [visibilityFilter(query.viewer)],
				limit: query.limit,
				attributesToHighlight: ['title'],
				attributesToCrop: ['body'],
				cropLength: 12,
				highlightPreTag: MARK_START,
				highlightPostTag: MARK_END
			});
			return result.hits.map((h): EngineSuggestion => ({
				kind: h.kind,
				sourceId: h.sourceId,
				url: h.url,
				labelMarked: h.title ? (h._formatted?.title ?? h.title) : (h._formatted?.body ?? '')
			}));
		}
	};
}
