/**
 * The one markdown renderer. Everything people write (posts, comments, messages, pages, memos)
 * becomes HTML here, on the server, and nowhere else. The safety rules, and why:
 * - markdown-it with `html: false`, so raw HTML in the source is shown as text, never parsed;
 * - links only to http(s), mailto, same-site paths (`/x`, not `//host`) and #anchors; anything else
 *   (javascript:, vbscript:, data:, file:, protocol-relative) fails `validateLink`, so markdown-it
 *   leaves the whole `[text](url)` as plain text. This is an allow-list, stricter than markdown-it's
 *   own deny-list, and runs after entity decoding and URL normalisation (`java&#x09;script:` included);
 * - external links open in a new tab with rel="noopener noreferrer nofollow" (no window.opener, no
 *   referrer leak, no SEO credit for spam);
 * - images only from http(s) or our own `/files/...` (no `..`): anything else shows its alt text;
 * - headings move down two levels (# becomes h3, ## h4, ### h5, the rest h6) so a post never outranks
 *   the page's own h1/h2 and screen-reader outlines stay sane;
 * - `maxNesting` caps nesting, so hostile input (1,000 `>`) cannot blow the stack; deeper content is
 *   dropped by markdown-it rather than rendered;
 * - the output then passes an allow-list sanitiser (no style, no on*, no id, only the tags we emit),
 *   a second wall should a plugin or a markdown-it bug ever let something through.
 * Mentions are links the composer inserts as `[@Full Name](/people/42)`; their ids are returned so
 * the caller can notify those people.
 */
import MarkdownIt from 'markdown-it';
import sanitizeHtml from 'sanitize-html';

const SAFE_LINK = /^(https?:|mailto:|\/(?!\/)|#)/i;
const EXTERNAL_LINK = /^(https?:|mailto:)/i;
const SAFE_IMAGE = /^(https?:\/\/|\/files\/(?!.*\.\.))/i;
const MENTION_HREF = /^\/people\/(\d{1,15})$/;

const md = new MarkdownIt('default', {
	html: false,
	linkify: true,
	typographer: false,
	breaks: true,
	maxNesting: 20
});

// Called for links, images, autolinks and linkified text alike, with the decoded, normalised URL.
md.validateLink = (url: string) => SAFE_LINK.test(url.trim());

type Env = { mentions: number[] };

md.renderer.rules.link_open = (tokens, idx, options, rawEnv, self) => {
	const env = rawEnv as Env | undefined;
	const token = tokens[idx]!;
	const href = String(token.attrGet('href') ?? '');
	const next = tokens[idx + 1];
	const text = next?.type === 'text' ? next.content : '';
	const mention = MENTION_HREF.exec(href);
	if (mention && text.startsWith('@')) {
		token.attrSet('class', 'mention');
		const id = Number(mention[1]);
		if (env && !env.mentions.includes(id)) env.mentions.push(id);
	} else if (EXTERNAL_LINK.test(href)) {
		token.attrSet('rel', 'noopener noreferrer nofollow');
		token.attrSet('target', '_blank');
	}
	return self.renderToken(tokens, idx, options);
};

const defaultImage = md.renderer.rules.image!;
md.renderer.rules.image = (tokens, idx, options, env, self) => {
	const token = tokens[idx]!;
	if (!SAFE_IMAGE.test(String(token.attrGet('src') ?? ''))) {
		return md.utils.escapeHtml(self.renderInlineAsText(token.children ?? [], options, env));
	}
	token.attrSet('loading', 'lazy');
	return defaultImage(tokens, idx, options, env, self);
};

const HEADING_SHIFT: Record<string, string> = {
	h1: 'h3',
	h2: 'h4',
	h3: 'h5',
	h4: 'h6',
	h5: 'h6',
	h6: 'h6'
};

md.core.ruler.push('shift_headings', (state) => {
	for (const token of state.tokens) {
		if (token.type === 'heading_open' || token.type === 'heading_close') {
			token.tag = HEADING_SHIFT[token.tag] ?? token.tag;
		}
	}
});

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
	allowProtocolRelative: false
};

export type RenderedMarkdown = { html: string; mentions: number[] };

/** Renders untrusted markdown to safe HTML, and lists the people it mentions (first seen first). */
export function renderMarkdown(source: string): RenderedMarkdown {
	const env: Env = { mentions: [] };
	const html = sanitizeHtml(md.render(source, env), sanitizeOptions);
	return { html, mentions: env.mentions };
}

// With no tags allowed, sanitize-html still re-escapes text; these are all it ever emits.
const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"' };

/** Plain text of the rendered markdown, cut on a word boundary: for notifications and previews. */
export function renderExcerpt(source: string, maxChars = 200): string {
	const text = sanitizeHtml(md.render(source, { mentions: [] }), {
		allowedTags: [],
		allowedAttributes: {}
	})
		.replace(/&(amp|lt|gt|quot);/g, (entity) => ENTITIES[entity] ?? entity)
		.replace(/\s+/g, ' ')
		.trim();
	const chars = Array.from(text);
	if (chars.length <= maxChars) return text;
	const cut = chars.slice(0, Math.max(1, maxChars - 1)).join('');
	const space = cut.lastIndexOf(' ');
	return `${(space > cut.length / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}
