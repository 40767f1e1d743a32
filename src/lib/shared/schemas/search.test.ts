import { describe, expect, it } from 'vitest';
import { prefixQuery } from '../../server/search/postgres-engine.ts';
import { searchQuerySchema } from './search.ts';

describe('searchQuerySchema', () => {
	it('trims, drops control characters and cuts long queries, saying so', () => {
		expect(searchQuerySchema.parse({ q: '  budget\u0000 review \n' }).q).toEqual({
			text: 'budget review',
			truncated: false
		});
		const long = searchQuerySchema.parse({ q: '🎉'.repeat(300) }).q;
		expect(Array.from(long.text)).toHaveLength(200);
		expect(long.truncated).toBe(true);
		expect(searchQuerySchema.parse({}).q).toEqual({ text: '', truncated: false });
	});

	it('cuts a long query between words, never inside one', () => {
		const pasted = searchQuerySchema.parse({ q: 'purchase '.repeat(40) }).q;
		expect(pasted.truncated).toBe(true);
		expect(pasted.text).toBe(Array(22).fill('purchase').join(' '));
		// Cut right after a whole word: nothing more is dropped.
		const exact = searchQuerySchema.parse({ q: 'a'.repeat(195) + ' word more' }).q;
		expect(exact.text).toBe('a'.repeat(195) + ' word');
	});

	it('reads types as a list, comma-separated or repeated, and refuses unknown ones', () => {
		expect(searchQuerySchema.parse({ type: ['page,post', 'Post'] }).type).toEqual(['page', 'post']);
		expect(searchQuerySchema.parse({ type: [] }).type).toEqual([]);
		expect(searchQuerySchema.safeParse({ type: 'secrets' }).success).toBe(false);
	});

	it('reads a department as an id, a slug or organisation', () => {
		expect(searchQuerySchema.parse({ department: '12' }).department).toBe(12);
		expect(searchQuerySchema.parse({ department: 'works' }).department).toBe('works');
		expect(searchQuerySchema.parse({ department: 'organisation' }).department).toBe('organisation');
		expect(searchQuerySchema.safeParse({ department: "'; drop" }).success).toBe(false);
	});
});

describe('prefixQuery', () => {
	it('keeps only letters and digits, the last word as a prefix', () => {
		expect(prefixQuery('budget rev')).toBe('budget & (rev:*)');
		expect(prefixQuery("'; drop table:* & |")).toBe('drop & (table:*)');
		expect(prefixQuery('🎉 !!')).toBeNull();
	});

	it('also matches a shorter prefix of a long last word, because documents hold stems', () => {
		expect(prefixQuery('procureme')).toBe('(procureme:* | procur:*)');
	});
});
