/**
 * Highlighted text that is safe to put in a page. ts_headline (and Meilisearch) mark matches in
 * user-written text; we ask them for two private-use sentinel characters instead of tags, escape
 * everything, and only then turn the sentinel pairs into <mark>. The indexers strip these
 * characters from the source text, and a stray one is dropped, so a body can never open a tag.
 */
export const MARK_START = '\uE000';
export const MARK_END = '\uE001';

const ESCAPES: Record<string, string> = {
	'&': '&amp;',
	'<': '&lt;',
	'>': '&gt;',
	'"': '&quot;',
	"'": '&#39;'
};

export function escapeHtml(text: string): string {
	return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

const PAIR = new RegExp(`${MARK_START}([^${MARK_START}${MARK_END}]*)${MARK_END}`, 'g');
const STRAY = new RegExp(`[${MARK_START}${MARK_END}]`, 'g');

/** Escapes `marked` and turns each sentinel pair into <mark>…</mark>. */
export function renderHighlight(marked: string): string {
	return escapeHtml(marked).replace(PAIR, '<mark>$1</mark>').replace(STRAY, '');
}

/** The text without its markers (for labels that are set as text, not HTML). */
export function plainText(marked: string): string {
	return marked.replace(STRAY, '');
}
