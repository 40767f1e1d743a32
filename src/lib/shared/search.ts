/**
 * What search answers, for the search page, the header box and the JSON API alike.
 * `titleHtml` and `snippetHtml` are escaped text whose only markup is <mark> around the matches.
 */

/** What search covers. `thread` is a thread by its title; `message` is one message in it. */
export const SEARCH_KINDS = [
	'page',
	'post',
	'comment',
	'thread',
	'message',
	'memo',
	'person'
] as const;
export type SearchKind = (typeof SEARCH_KINDS)[number];

export type SearchHit = {
	kind: SearchKind;
	id: number;
	url: string;
	title: string;
	titleHtml: string;
	snippetHtml: string;
	/** Where it lives, e.g. the thread a message is in. */
	context: string;
	department: { id: number; slug: string; name: string } | null;
	author: { id: number; name: string } | null;
	createdAt: string;
	updatedAt: string;
};

export type SearchResponse = {
	query: string;
	/**
	 * `typo`: nothing matched the words as typed, so these match `correctedQuery`: each word
	 * replaced by the closest word of a title or a name.
	 */
	mode: 'words' | 'typo' | 'none';
	correctedQuery: string | null;
	hits: SearchHit[];
	/** Matches per type, for what the viewer may see (before the type filter). */
	counts: Partial<Record<SearchKind, number>>;
	/** Counts stop at this many matches; `true` means "at least". */
	countsCapped: boolean;
	nextCursor: string | null;
	/** Something to tell the person: empty query, query cut short, only common words. */
	notice: string | null;
};

export type SearchSuggestion = {
	kind: SearchKind;
	id: number;
	url: string;
	label: string;
	labelHtml: string;
};
