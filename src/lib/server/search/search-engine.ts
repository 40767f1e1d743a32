/**
 * The search engine interface. PostgreSQL (the default) and Meilisearch implement it; the
 * service chooses one from the configuration. Visibility is part of every query an engine runs,
 * never applied to its results afterwards, so a limit or a count never sees a hidden document.
 */
import type { Database } from '../db/index.ts';
import type { SearchKind } from '../../shared/schemas/search.ts';

/** Who is searching, as the index knows them. */
export type ViewerFilter = {
	userId: number;
	/** Departments whose documents this person may not see (see Actor.hiddenDepartmentIds). */
	hiddenDepartmentIds: number[];
};

export type EngineSearch = {
	/** The query as typed (already trimmed and bounded); the engine parses it. */
	text: string;
	viewer: ViewerFilter;
	kinds: SearchKind[];
	/** Only documents in these departments; `null` in the list means organisation-wide. */
	departmentIds: (number | null)[] | null;
	/** The engine's own opaque position after the previous page. */
	after: string | null;
	limit: number;
};

export type EngineHit = {
	kind: SearchKind;
	sourceId: number;
	url: string;
	title: string;
	/** Title and snippet with MARK_START/MARK_END around matches (see highlight.ts). */
	titleMarked: string;
	snippetMarked: string;
	context: string;
	department: { id: number; slug: string; name: string } | null;
	author: { id: number; name: string } | null;
	createdAt: Date;
	updatedAt: Date;
};

export type EngineResult = {
	mode: 'words' | 'typo' | 'none';
	hits: EngineHit[];
	/** Position to pass as `after` for the next page, or null on the last page. */
	next: string | null;
	counts: Partial<Record<SearchKind, number>>;
	countsCapped: boolean;
	/** The query had words, but every one is too common to search for ("the", "and"). */
	onlyStopWords: boolean;
	/** In `typo` mode: the words searched for instead of those typed. */
	correctedQuery: string | null;
};

export type EngineSuggestion = {
	kind: SearchKind;
	sourceId: number;
	url: string;
	labelMarked: string;
};

export interface SearchEngine {
	readonly name: 'postgres' | 'meilisearch';
	/** Start-up work: settings, index creation. Safe to call more than once. */
	prepare(): Promise<void>;
	/**
	 * Brings the index in line with the current state of these sources, inside the outbox
	 * worker's transaction `trx` (a source that no longer exists loses its document).
	 */
	sync(trx: Database, kind: SearchKind, ids: number[]): Promise<void>;
	/** True when the index holds no document at all (a new installation or a lost index). */
	isEmpty(db: Database): Promise<boolean>;
	/**
	 * Rebuilds every document from the source tables. Returns how many of each kind. Stops,
	 * rejecting, when `signal` aborts (the app is shutting down); the index is then as it was.
	 */
	rebuild(db: Database, signal?: AbortSignal): Promise<Partial<Record<SearchKind, number>>>;
	search(db: Database, query: EngineSearch): Promise<EngineResult>;
	/** As-you-type: the last word is a prefix. */
	suggest(
		db: Database,
		query: { text: string; viewer: ViewerFilter; limit: number }
	): Promise<EngineSuggestion[]>;
}
