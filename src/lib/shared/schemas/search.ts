import { z } from 'zod';

import { SEARCH_KINDS } from '../search.ts';

export { SEARCH_KINDS, type SearchKind } from '../search.ts';

/** Longer queries are cut here (and the answer says so) rather than refused: people paste. */
export const SEARCH_QUERY_MAX_LENGTH = 200;
export const SEARCH_PAGE_MAX = 50;

const query = z
	.string()
	.optional()
	.transform((v) => {
		// Control characters never help a search, and NUL is refused by PostgreSQL outright.
		const text = (v ?? '')
			.replace(/[\p{Cc}\p{Cs}\uE000\uE001]+/gu, ' ')
			.replace(/\s+/g, ' ')
			.trim();
		const characters = Array.from(text);
		if (characters.length <= SEARCH_QUERY_MAX_LENGTH) return { text, truncated: false };
		// Cut between words: half a word ("pu" of "purchase") would match nothing.
		let kept = characters.slice(0, SEARCH_QUERY_MAX_LENGTH).join('');
		const lastSpace = kept.lastIndexOf(' ');
		if (characters[SEARCH_QUERY_MAX_LENGTH] !== ' ' && lastSpace > 0)
			kept = kept.slice(0, lastSpace);
		return { text: kept.trim(), truncated: true };
	});

const kinds = z
	.union([z.string(), z.array(z.string())])
	.optional()
	.transform((v) =>
		(Array.isArray(v) ? v : [v ?? ''])
			.flatMap((s) => s.split(','))
			.map((s) => s.trim().toLowerCase())
			.filter(Boolean)
	)
	.pipe(
		z.array(
			z.enum(SEARCH_KINDS, {
				error: `Choose types among ${SEARCH_KINDS.join(', ')}.`
			})
		)
	)
	.transform((list) => [...new Set(list)]);

/** A department id, its slug, or `organisation` for organisation-wide content only. */
const department = z
	.string()
	.trim()
	.optional()
	.refine((v) => !v || /^[a-z0-9]+(-[a-z0-9]+)*$/.test(v), {
		error: 'Give a department id, its slug, or organisation.'
	})
	.transform((v): 'organisation' | number | string | undefined =>
		!v ? undefined : /^[1-9][0-9]{0,15}$/.test(v) ? Number(v) : v
	);

export const searchQuerySchema = z.object({
	q: query,
	type: kinds,
	department,
	cursor: z.string().trim().max(500, 'That cursor is not one this server gave.').optional(),
	limit: z.coerce.number().int().min(1).max(SEARCH_PAGE_MAX).default(20)
});
export type SearchQueryInput = z.input<typeof searchQuerySchema>;
export type SearchQuery = z.output<typeof searchQuerySchema>;

export const suggestQuerySchema = z.object({
	q: query,
	limit: z.coerce.number().int().min(1).max(10).default(8)
});
export type SuggestQuery = z.output<typeof suggestQuerySchema>;
