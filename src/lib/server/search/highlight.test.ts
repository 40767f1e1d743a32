import { describe, expect, it } from 'vitest';
import { MARK_END, MARK_START, renderHighlight } from './highlight.ts';

describe('renderHighlight', () => {
	it('marks matches and escapes everything else', () => {
		expect(renderHighlight(`a <b>${MARK_START}budget${MARK_END}</b> & "x"`)).toBe(
			'a &lt;b&gt;<mark>budget</mark>&lt;/b&gt; &amp; &quot;x&quot;'
		);
	});

	it('never lets markup in the text through, even inside a match', () => {
		const html = renderHighlight(`${MARK_START}<script>alert(1)</script>${MARK_END}`);
		expect(html).toBe('<mark>&lt;script&gt;alert(1)&lt;/script&gt;</mark>');
	});

	it('drops unpaired sentinels instead of opening a tag', () => {
		expect(renderHighlight(`${MARK_START}open ${MARK_START}x${MARK_END} end${MARK_END}`)).toBe(
			'open <mark>x</mark> end'
		);
		expect(renderHighlight(`${MARK_END}${MARK_START}`)).toBe('');
	});
});
