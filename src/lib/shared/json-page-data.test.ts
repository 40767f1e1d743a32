import { describe, expect, it } from 'vitest';
import { transport } from '../../hooks';
import { asJsonPageData, decodeJsonPageData, encodeJsonPageData } from './json-page-data';

const page = {
	top: [],
	posts: [{ id: 7, bodyHtml: '<p>Tom &amp; Jerry said "hi" </script></p>', editedAt: null }],
	nextCursor: 'abc'
};

describe('page data sent as JSON', () => {
	it('keeps the fields for the server render and comes back equal in the browser', () => {
		const marked = asJsonPageData(page);
		expect(marked.posts[0]!.bodyHtml).toBe(page.posts[0]!.bodyHtml);
		const text = encodeJsonPageData(marked);
		expect(typeof text).toBe('string');
		expect(decodeJsonPageData(text as string)).toEqual(page);
	});

	it('leaves every other value to SvelteKit', () => {
		expect(encodeJsonPageData(page)).toBe(false);
		expect(encodeJsonPageData([1, 2])).toBe(false);
		expect(encodeJsonPageData(new Date())).toBe(false);
	});

	it('is the transport the app hooks register', () => {
		const marked = asJsonPageData(page);
		const hook = transport.JsonPageData!;
		expect(hook.decode(hook.encode(marked))).toEqual(page);
	});
});
