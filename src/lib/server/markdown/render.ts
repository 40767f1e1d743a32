/**
 * The one markdown renderer. Everything people write (posts, comments, messages, pages, memos)
 * becomes HTML here, on the server, and nowhere else:
 * - markdown-it with `html: false`, so raw HTML in the source is shown as text;
 * - links only to http(s), mailto, same-site paths and #anchors; anything else (javascript:,
 *   data:, protocol-relative //host) stays text;
 * - external links open in a new tab with rel="noopener noreferrer nofollow";
 * - headings move down two levels (# becomes h3) so a post never outranks the page's own headings;
 * - the output then passes an allow-list sanitiser, a second wall should a plugin or a
 *   markdown-it bug ever let something through.
 * Mentions are links the composer inserts as `[@Full Name](/people/42)`; their ids are returned so
 * the caller can notify those people.
 */
import MarkdownIt from 'markdown-it';
import sanitizeHtml from 'sanitize-html';

const SAFE_LINK = /^(https?:|mailto:|\/(?!\/)|#)/i;
const SAFE_IMAGE = /^(https?:|\/files\/)/i;
const MENTION_HREF = /^\/people\/(\d{1,15})$/;

const md = new MarkdownIt('default', {
	html: false,
	linkify: true,
	typographer: false,
	breaks: true,
	maxNesting: 20
});

// markdown-it's own check refuses javascript:, vbscript:, file: and most data:; ours is an allow-list.
md.validateLink = (url: string) => {
	const target = url.trim();
	return SAFE_LINK.test(target) || SAFE_IMAGE.test(target);
};

type Env = { mentions: number[] };

md.renderer.rules.link_open = (tokens, idx, options, rawEnv, self) => {
	const env = rawEnv as Env | undefined;
	const token = tokens[idx]!;
	const href = String(token.attrGet('href') ?? '');
	const text = tokens[idx + 1]?.type === 'text' ? tokens[idx + 1]!.content : '';
	const mention = MENTION_HREF.exec(href);
	if (mention && text.startsWith('@')) {
		token.attrSet('class', 'mention');
		const id = Number(mention[1]);
		if (env && !env.mentions.includes(id)) env.mentions.push(id);
	} else if (/^(https?:|mailto:)/i.test(href)) {
		token.attrSet('rel', 'noopener noreferrer nofollow');
		token.attrSet('target', '_blank');
	}
	return self.renderToken(tokens, idx, options);
};

md.renderer.rules.image = (tokens, idx, options, env, self) => {
	const token = tokens[idx]!;
	const src = String(token.attrGet('src') ?? '');
	if (!SAFE_IMAGE.test(src)) return md.utils.escapeHtml(token.content);
	token.attrSet('loading', 'lazy');
	return self.renderToken(tokens, idx, options);
};

const HEADING_SHIFT: Record<string, string> = {
	h1: 'h3',
	h2: 'h4',
	h3: 'h5',
	h4: 'h6',
	h5: 'h6',
	h6: 'h6'
};

const sanitizeOptions: sanitizeHtml.IOptions = {
	allowedTags: [
		'p',
		'br',
		'strong',
		'em',
		's',
		'del',
		'code',
		'pre',
		'blockquote',
		'ul',
		'ol',
		'li',
		'h3',
		'h4',
		'h5',
		'h6',
		'hr',
		'a',
		'img',
		'table',
		'thead',
		'tbody',
		'tr',
		'th',
		'td',
		'span'
	],
	allowedAttributes: {
		a: ['href', 'rel', 'target', 'class'],
		img: ['src', 'alt', 'title', 'loading', 'width', 'height'],
		ol: ['start']
	},
	allowedClasses: { a: ['mention'] },
	allowedSchemes: ['http', 'https', 'mailto'],
	allowedSchemesAppliedToAttributes: ['href', 'src'],
	allowProtocolRelative: false,
	transformTags: Object.fromEntries(
		Object.entries(HEADING_SHIFT).map(([from, to]) => [from, sanitizeHtml.simpleTransform(to, {})])
	)
};

export type RenderedMarkdown = { html: string; mentions: number[] };

/** Renders untrusted markdown to safe HTML, and lists the people it mentions (first seen first). */
export function renderMarkdown(source: string): RenderedMarkdown {
	const env: Env = { mentions: [] };
	const html = sanitizeHtml(md.render(source, env), sanitizeOptions);
	return { html, mentions: env.mentions };
}

const ENTITIES: Record<string, string> = {
	'&amp;': '&',
	'&lt;': '<',
	'&gt;': '>',
	'&quot;': '"',
	'&#39;': "'",
	'&#x27;': "'",
	'&nbsp;': ' '
};

/** Plain text of the rendered markdown, cut on a word boundary: for notifications and previews. */
export function renderExcerpt(source: string, maxChars = 200): string {
	const text = sanitizeHtml(md.render(source, { mentions: [] }), {
		allowedTags: [],
		allowedAttributes: {}
	})
		.replace(/&(amp|lt|gt|quot|nbsp|#39|#x27);/g, (entity) => ENTITIES[entity] ?? entity)
		.replace(/\s+/g, ' ')
		.trim();
	if (text.length <= maxChars) return text;
	const cut = text.slice(0, maxChars - 1);
	const space = cut.lastIndexOf(' ');
	return `${(space > maxChars / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}
