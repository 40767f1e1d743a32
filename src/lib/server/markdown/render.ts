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
 * - images only from our own `/files/...` (no `..`); an image elsewhere on the web becomes a link to
 *   it (the pages' Content-Security-Policy keeps other sites' images out: no tracking pixels, no
 *   broken picture), and anything else shows its alt text;
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
const OWN_IMAGE = /^\/files\/(?!.*\.\.)/i;
const WEB_IMAGE = /^https?:\/\//i;
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

/** A `[[Page title]]` link as written: an optional space (`[[finance:Travel policy]]`) and a label. */
export type WikiLinkTarget = { space: string | null; title: string };
/** Where a wiki link goes, decided by the caller before rendering; null: no such page (yet). */
export type WikiLinkResolution = { href: string; exists: boolean };

type PageEnv = {
	/** Wiki links found while parsing, then resolved by the caller (keyed by `wikiLinkKey`). */
	links: WikiLinkTarget[];
	resolved: Map<string, WikiLinkResolution>;
	toc: TocEntry[];
	ids: Set<string>;
};
type Env = { mentions: number[]; page?: PageEnv };

export type TocEntry = { level: number; id: string; text: string };

export function wikiLinkKey(target: WikiLinkTarget): string {
	return `${target.space ?? ''}:${target.title.toLowerCase()}`;
}

const WIKI_LINK = /^\[\[([^[\]\n|]{1,200})(?:\|([^[\]\n]{1,200}))?\]\]/;
const WIKI_SPACE = /^([a-z0-9]+(?:-[a-z0-9]+)*):(.+)$/;

// `[[Title]]`, `[[space:Title]]`, `[[Title|label]]`: pages only (posts and messages have no env.page,
// so there the brackets stay text).
md.inline.ruler.before('link', 'wiki_link', (state, silent) => {
	const env = state.env as Env | undefined;
	if (!env?.page || state.src.charCodeAt(state.pos) !== 0x5b) return false;
	const match = WIKI_LINK.exec(state.src.slice(state.pos));
	if (!match) return false;
	const written = match[1]!.trim();
	const spaced = WIKI_SPACE.exec(written);
	const target: WikiLinkTarget = spaced
		? { space: spaced[1]!, title: spaced[2]!.trim() }
		: { space: null, title: written };
	if (!target.title) return false;
	if (!silent) {
		const token = state.push('wiki_link', 'a', 0);
		token.meta = { target, label: match[2]?.trim() || target.title };
		if (!env.page.links.some((l) => wikiLinkKey(l) === wikiLinkKey(target)))
			env.page.links.push(target);
	}
	state.pos += match[0].length;
	return true;
});

md.renderer.rules.wiki_link = (tokens, idx, _options, rawEnv) => {
	const env = rawEnv as Env;
	const { target, label } = tokens[idx]!.meta as { target: WikiLinkTarget; label: string };
	const resolution = env.page?.resolved.get(wikiLinkKey(target));
	const text = md.utils.escapeHtml(label);
	if (!resolution) return text;
	const cls = resolution.exists ? 'wiki-link' : 'wiki-link missing';
	return `<a href="${md.utils.escapeHtml(resolution.href)}" class="${cls}">${text}</a>`;
};

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
	const src = String(token.attrGet('src') ?? '');
	const alt = self.renderInlineAsText(token.children ?? [], options, env);
	if (WEB_IMAGE.test(src)) {
		const label = `${alt.trim() || 'Image'} (image on another site)`;
		return `<a href="${md.utils.escapeHtml(src)}" rel="noopener noreferrer nofollow" target="_blank">${md.utils.escapeHtml(label)}</a>`;
	}
	if (!OWN_IMAGE.test(src)) return md.utils.escapeHtml(alt);
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

// On a page, whose title is the only h1, `#` becomes h2 and so on.
const PAGE_HEADING_SHIFT: Record<string, string> = {
	h1: 'h2',
	h2: 'h3',
	h3: 'h4',
	h4: 'h5',
	h5: 'h6',
	h6: 'h6'
};

/** A heading's anchor: prefixed, so it can never clobber the page's own ids or globals. */
function headingId(text: string, taken: Set<string>): string {
	const base =
		'h-' +
		(text
			.toLowerCase()
			.normalize('NFKD')
			.replace(/[\u0300-\u036f]/g, '')
			.replace(/[^a-z0-9]+/g, '-')
			.replace(/^-+|-+$/g, '')
			.slice(0, 60) || 'section');
	let id = base;
	for (let n = 2; taken.has(id); n++) id = `${base}-${n}`;
	taken.add(id);
	return id;
}

md.core.ruler.push('shift_headings', (state) => {
	const page = (state.env as Env | undefined)?.page;
	const shift = page ? PAGE_HEADING_SHIFT : HEADING_SHIFT;
	state.tokens.forEach((token, i) => {
		if (token.type !== 'heading_open' && token.type !== 'heading_close') return;
		token.tag = shift[token.tag] ?? token.tag;
		if (page && token.type === 'heading_open') {
			const inline = state.tokens[i + 1];
			const text = (inline?.children ?? [])
				.map((child) =>
					child.type === 'wiki_link' ? (child.meta as { label: string }).label : child.content
				)
				.join('')
				.trim();
			const id = headingId(text, page.ids);
			token.attrSet('id', id);
			page.toc.push({ level: Number(token.tag.slice(1)), id, text });
		}
	});
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
	allowedClasses: { a: ['mention', 'wiki-link', 'missing'] },
	allowedSchemes: ['http', 'https', 'mailto'],
	allowedSchemesAppliedToAttributes: ['href', 'src'],
	allowProtocolRelative: false
};

// Pages also have h2 and heading anchors (ids always start with `h-`, see headingId).
const pageSanitizeOptions: sanitizeHtml.IOptions = {
	...sanitizeOptions,
	allowedTags: [...(sanitizeOptions.allowedTags as string[]), 'h2'],
	allowedAttributes: {
		...sanitizeOptions.allowedAttributes,
		h2: ['id'],
		h3: ['id'],
		h4: ['id'],
		h5: ['id'],
		h6: ['id']
	},
	exclusiveFilter: undefined,
	transformTags: {
		h2: keepHeadingId,
		h3: keepHeadingId,
		h4: keepHeadingId,
		h5: keepHeadingId,
		h6: keepHeadingId
	}
};

function keepHeadingId(tagName: string, attribs: sanitizeHtml.Attributes): sanitizeHtml.Tag {
	const id = attribs.id;
	return { tagName, attribs: id && /^h-[a-z0-9-]{1,80}$/.test(id) ? { id } : {} };
}

export type RenderedMarkdown = { html: string; mentions: number[] };

export type RenderedPage = RenderedMarkdown & { toc: TocEntry[]; links: WikiLinkTarget[] };

/** The wiki links a page's source makes, in order (code spans and blocks excluded). */
export function listWikiLinks(source: string): WikiLinkTarget[] {
	const env: Env = {
		mentions: [],
		page: { links: [], resolved: new Map(), toc: [], ids: new Set() }
	};
	md.parse(source, env);
	return env.page!.links;
}

/**
 * Renders a knowledge page: the same rules as every other text, plus `[[Page title]]` links
 * (resolved by the caller beforehand, keyed by `wikiLinkKey`) and heading anchors for the table of
 * contents.
 */
export function renderPageMarkdown(
	source: string,
	resolved: Map<string, WikiLinkResolution>
): RenderedPage {
	const page: PageEnv = { links: [], resolved, toc: [], ids: new Set() };
	const env: Env = { mentions: [], page };
	const html = sanitizeHtml(md.render(source, env), pageSanitizeOptions);
	return { html, mentions: env.mentions, toc: page.toc, links: page.links };
}

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
