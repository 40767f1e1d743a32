import { describe, expect, it } from 'vitest';
import { listWikiLinks, renderExcerpt, renderMarkdown, renderPageMarkdown } from './render.ts';

const html = (source: string) => renderMarkdown(source).html;

/** Every href/src value in the output, for scheme checks. */
function urls(output: string): string[] {
	return [...output.matchAll(/\s(?:href|src)="([^"]*)"/g)].map((match) => match[1]!);
}

function expectNoUrls(output: string) {
	expect(output).not.toMatch(/<a\b/);
	expect(output).not.toMatch(/<img\b/);
	expect(urls(output)).toEqual([]);
}

describe('renderMarkdown: raw HTML and scripts', () => {
	it('escapes a script tag as text', () => {
		expect(html('<script>alert(1)</script>')).toBe(
			'<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n'
		);
	});

	it('renders an inline img with onerror inert', () => {
		const output = html('<img src=x onerror=alert(1)>');
		expect(output).not.toMatch(/<img/);
		expect(output).toContain('&lt;img src=x onerror=alert(1)&gt;');
	});

	it('keeps raw HTML blocks as text', () => {
		const output = html('<div style="color:red" onclick="x()">hi</div>');
		expect(output).toBe('<p>&lt;div style="color:red" onclick="x()"&gt;hi&lt;/div&gt;</p>\n');
	});

	it('escapes HTML inside a code fence', () => {
		expect(html('```js\n<b onmouseover="x">bold</b>\n```')).toBe(
			'<pre><code>&lt;b onmouseover="x"&gt;bold&lt;/b&gt;\n</code></pre>\n'
		);
	});

	it('escapes HTML in inline code', () => {
		expect(html('`<script>`')).toBe('<p><code>&lt;script&gt;</code></p>\n');
	});
});

describe('renderMarkdown: links', () => {
	it.each([
		['[x](javascript:alert(1))'],
		['[x](JAVASCRIPT:alert(1))'],
		['[x](java&#x09;script:alert(1))'],
		['[x](<javascript:alert(1)>)'],
		['[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)'],
		['[x](vbscript:msgbox(1))'],
		['[x](file:///etc/passwd)'],
		['[x](//evil.example)'],
		['[x](ftp://files.example/a)'],
		['[x](relative/path)'],
		['<javascript:alert(1)>'],
		['[x][r]\n\n[r]: javascript:alert(1)']
	])('%s renders as text, not a link', (source) => {
		const output = html(source);
		expectNoUrls(output);
		expect(output).toMatch(/^<p>/);
	});

	it('gives external links rel and target', () => {
		expect(html('[docs](https://docs.example/a?b=1)')).toBe(
			'<p><a href="https://docs.example/a?b=1" rel="noopener noreferrer nofollow" target="_blank">docs</a></p>\n'
		);
	});

	it('treats an upper-case scheme as external', () => {
		expect(html('[x](HTTP://a.example)')).toContain('rel="noopener noreferrer nofollow"');
	});

	it('gives mailto links rel and target', () => {
		expect(html('[mail](mailto:ann@example.org)')).toBe(
			'<p><a href="mailto:ann@example.org" rel="noopener noreferrer nofollow" target="_blank">mail</a></p>\n'
		);
	});

	it('linkifies bare URLs and emails with rel and target', () => {
		const output = html('see https://example.com or ann@example.org');
		expect(output).toContain(
			'<a href="https://example.com" rel="noopener noreferrer nofollow" target="_blank">https://example.com</a>'
		);
		expect(output).toContain(
			'<a href="mailto:ann@example.org" rel="noopener noreferrer nofollow" target="_blank">'
		);
	});

	it('gives angle-bracket autolinks rel and target', () => {
		expect(html('<https://x.example>')).toBe(
			'<p><a href="https://x.example" rel="noopener noreferrer nofollow" target="_blank">https://x.example</a></p>\n'
		);
	});

	it('does not linkify protocol-relative text', () => {
		expectNoUrls(html('go to //evil.example now'));
	});

	it('keeps relative links and anchors without target', () => {
		expect(html('[page](/pages/7) [top](#top)')).toBe(
			'<p><a href="/pages/7">page</a> <a href="#top">top</a></p>\n'
		);
	});

	it('percent-encodes quotes so an href cannot grow attributes', () => {
		const output = html('[x](https://a.example/"onmouseover="alert(1))');
		expect(output).not.toMatch(/onmouseover="/);
		expect(urls(output)).toEqual(['https://a.example/%22onmouseover=%22alert(1)']);
	});
});

describe('renderMarkdown: images', () => {
	it('links an image on another site instead of showing it (the pages’ CSP would block it)', () => {
		expect(html('![a cat](https://img.example/cat.png "Cat")')).toBe(
			'<p><a href="https://img.example/cat.png" rel="noopener noreferrer nofollow" target="_blank">a cat (image on another site)</a></p>\n'
		);
		expect(html('![](http://img.example/x.png)')).toContain('>Image (image on another site)</a>');
	});

	it('renders our own /files/ image with plain-text alt', () => {
		expect(html('![cat **pic**](/files/12/cat.png)')).toBe(
			'<p><img src="/files/12/cat.png" alt="cat pic" loading="lazy" /></p>\n'
		);
	});

	it.each([
		['![x](javascript:alert(1))'],
		['![x](data:image/svg+xml,<svg onload=alert(1)>)'],
		['![x](//evil.example/a.png)']
	])('%s renders as text with no src', (source) => {
		const output = html(source);
		expectNoUrls(output);
		expect(output).not.toMatch(/<svg/);
	});

	it.each([['![the alt](/avatars/1.png)'], ['![the alt](/files/../logout)'], ['![the alt](#x)']])(
		'%s shows only the alt text',
		(source) => {
			expect(html(source)).toBe('<p>the alt</p>\n');
		}
	);
});

describe('renderMarkdown: mentions', () => {
	it('marks mention links and returns their ids', () => {
		const result = renderMarkdown('hi [@Ann Lee](/people/42)');
		expect(result.html).toBe('<p>hi <a href="/people/42" class="mention">@Ann Lee</a></p>\n');
		expect(result.mentions).toEqual([42]);
	});

	it('dedupes mentions and keeps first-appearance order', () => {
		const { mentions } = renderMarkdown(
			'[@Bob](/people/7) and [@Ann](/people/42)\n\n> [@Bob again](/people/7) [@Cy](/people/3)'
		);
		expect(mentions).toEqual([7, 42, 3]);
	});

	it('ignores a link to a person without the @', () => {
		const result = renderMarkdown('[Ann](/people/42)');
		expect(result.mentions).toEqual([]);
		expect(result.html).toBe('<p><a href="/people/42">Ann</a></p>\n');
	});

	it('ignores hrefs that are not exactly /people/<digits>', () => {
		const { mentions, html: output } = renderMarkdown(
			'[@x](/people/42/extra) [@y](/people/abc) [@z](https://other.example/people/5)'
		);
		expect(mentions).toEqual([]);
		expect(output).not.toContain('class="mention"');
	});

	it('ignores a bare @name and mentions inside code', () => {
		expect(renderMarkdown('@Ann and `[@Ann](/people/1)`').mentions).toEqual([]);
	});
});

describe('renderMarkdown: structure', () => {
	it('shifts headings down so user text never outranks the page', () => {
		expect(html('# a\n## b\n### c\n#### d\n##### e\n###### f')).toBe(
			'<h3>a</h3>\n<h4>b</h4>\n<h5>c</h5>\n<h6>d</h6>\n<h6>e</h6>\n<h6>f</h6>\n'
		);
	});

	it('renders tables without alignment styles', () => {
		const output = html('| a | b |\n|:-|-:|\n| 1 | 2 |');
		expect(output).toContain('<table>');
		expect(output).toContain('<th>a</th>');
		expect(output).toContain('<td>2</td>');
		expect(output).not.toContain('style');
	});

	it('renders strikethrough, emphasis and lists', () => {
		expect(html('~~gone~~ **b** _i_')).toBe('<p><s>gone</s> <strong>b</strong> <em>i</em></p>\n');
		expect(html('3. c\n4. d')).toBe('<ol start="3">\n<li>c</li>\n<li>d</li>\n</ol>\n');
	});

	it('turns single newlines into line breaks', () => {
		expect(html('a\nb')).toBe('<p>a<br />\nb</p>\n');
	});

	it('drops the language class from code fences', () => {
		expect(html('```js\nx\n```')).toBe('<pre><code>x\n</code></pre>\n');
	});
});

describe('renderMarkdown: malformed and large input', () => {
	it('renders an unclosed fence as code to the end', () => {
		expect(html('```\n<b>x</b>\n[a](/b)')).toBe(
			'<pre><code>&lt;b&gt;x&lt;/b&gt;\n[a](/b)</code></pre>\n'
		);
	});

	it('renders a 20,000-character input', () => {
		const source = 'word **bold** [l](https://a.example) '.repeat(560).slice(0, 20_000);
		const result = renderMarkdown(source);
		expect(result.html.length).toBeGreaterThan(20_000);
		expect(result.html).not.toMatch(/<script/);
	});

	it('survives 1,000 nested blockquotes', () => {
		const output = html('>'.repeat(1000) + ' deep');
		expect((output.match(/<blockquote>/g) ?? []).length).toBeLessThanOrEqual(20);
	});

	it('survives deeply nested lists and emphasis', () => {
		const list = Array.from({ length: 300 }, (_, i) => '  '.repeat(i) + '- x').join('\n');
		expect(() => renderMarkdown(list)).not.toThrow();
		expect(() => renderMarkdown('*'.repeat(5000) + 'x' + '*'.repeat(5000))).not.toThrow();
		expect(() => renderMarkdown('['.repeat(5000) + 'x' + ']'.repeat(5000))).not.toThrow();
	});

	it('renders empty input as empty', () => {
		expect(renderMarkdown('')).toEqual({ html: '', mentions: [] });
	});
});

describe('renderExcerpt', () => {
	it('strips markdown syntax and tags', () => {
		expect(renderExcerpt('# Title\n\n- **one**\n- [two](https://x.example)\n\n> quote')).toBe(
			'Title one two quote'
		);
	});

	it('decodes entities into plain text', () => {
		expect(renderExcerpt('**Tom & Jerry** <3 said "hi" `a<b` &amp; &copy;')).toBe(
			'Tom & Jerry <3 said "hi" a<b & ©'
		);
	});

	it('does not double-decode escaped entities', () => {
		expect(renderExcerpt('`&lt;b&gt;`')).toBe('&lt;b&gt;');
	});

	it('keeps mention names as text', () => {
		expect(renderExcerpt('thanks [@Ann Lee](/people/42)!')).toBe('thanks @Ann Lee!');
	});

	it('collapses whitespace', () => {
		expect(renderExcerpt('a   b\n\n\nc\td')).toBe('a b c d');
	});

	it('leaves short text whole', () => {
		expect(renderExcerpt('short', 200)).toBe('short');
	});

	it('truncates on a word boundary with an ellipsis', () => {
		const excerpt = renderExcerpt('alpha beta gamma delta epsilon', 20);
		expect(excerpt).toBe('alpha beta gamma…');
		expect(excerpt.length).toBeLessThanOrEqual(20);
	});

	it('cuts a single long word hard', () => {
		expect(renderExcerpt('x'.repeat(50), 10)).toBe('x'.repeat(9) + '…');
	});

	it('never splits a surrogate pair', () => {
		expect(renderExcerpt('😀'.repeat(20), 5)).toBe('😀😀😀😀…');
	});
});

describe('renderPageMarkdown: wiki links and headings', () => {
	const resolved = new Map([
		[':travel policy', { href: '/kb/finance/travel-policy', exists: true }],
		['hr:leave', { href: '/kb/new?space=hr&title=Leave', exists: false }]
	]);

	it('lists the wiki links a page makes, outside code only', () => {
		expect(
			listWikiLinks('[[Travel policy]] `[[Not this]]` [[hr:Leave|leave]]\n\n    [[Nor this]]')
		).toEqual([
			{ space: null, title: 'Travel policy' },
			{ space: 'hr', title: 'Leave' }
		]);
	});

	it('renders resolved and missing links with their labels escaped', () => {
		const page = renderPageMarkdown('[[Travel Policy]] and [[hr:Leave|<b>rules</b>]]', resolved);
		expect(page.html).toContain(
			'<a href="/kb/finance/travel-policy" class="wiki-link">Travel Policy</a>'
		);
		expect(page.html).toContain(
			'<a href="/kb/new?space=hr&amp;title=Leave" class="wiki-link missing">&lt;b&gt;rules&lt;/b&gt;</a>'
		);
	});

	it('leaves wiki syntax as text in posts and messages', () => {
		expect(html('[[Travel policy]]')).toBe('<p>[[Travel policy]]</p>\n');
	});

	it('gives page headings unique, prefixed anchors and a table of contents', () => {
		const page = renderPageMarkdown(
			'# Scope\n## Scope\n### <img src=x onerror=alert(1)>',
			new Map()
		);
		expect(page.toc.map((t) => [t.level, t.id])).toEqual([
			[2, 'h-scope'],
			[3, 'h-scope-2'],
			[4, 'h-img-src-x-onerror-alert-1']
		]);
		expect(page.html).not.toContain('<img');
		// Posts keep their headings without ids.
		expect(html('# Scope')).toBe('<h3>Scope</h3>\n');
	});
});
