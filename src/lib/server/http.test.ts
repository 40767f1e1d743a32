import { describe, expect, it } from 'vitest';
import { safeReturnTo } from './http.ts';

describe('safeReturnTo', () => {
	it('keeps a path on this site, with its query and fragment', () => {
		expect(safeReturnTo('/posts/7?view=history#comments', '/feed')).toBe(
			'/posts/7?view=history#comments'
		);
		expect(safeReturnTo('/search?q=budget%20plan', '/feed')).toBe('/search?q=budget%20plan');
	});

	it('refuses anything a browser would take to another site', () => {
		for (const value of [
			'https://evil.example/',
			'//evil.example/',
			'/\\evil.example',
			// A browser drops tabs and line breaks: these are //evil.example to it.
			'/\t/evil.example/',
			'/\n/evil.example/',
			'/\r\n/evil.example',
			'/\t\\evil.example',
			'javascript:alert(1)',
			'feed',
			'',
			null,
			42,
			`/${'a'.repeat(2000)}`
		])
			expect(safeReturnTo(value, '/feed')).toBe('/feed');
	});
});
