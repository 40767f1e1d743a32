/**
 * Knowledge page addresses in the browser. The server builds every page's address
 * (`/kb/<space>/<path>`, see knowledge/page-links.ts) because only it knows a page's path; here
 * they get the app's base path like every other internal link, plus an optional query.
 */
import { resolve } from '$app/paths';
import type { ResolvedPathname } from '$app/types';

// resolve() types each literal route; these addresses are known only at run time.
const resolvePath = resolve as (pathname: string) => ResolvedPathname;

/** A server-built page address, ready for `href` or `goto`, with `query` appended. */
export function kbHref(href: string, query?: Record<string, string | number>): ResolvedPathname {
	const search = query
		? `?${new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)]))}`
		: '';
	return `${resolvePath(href)}${search}` as ResolvedPathname;
}

/** The new-page form, prefilled. */
export function newPageHref(query: { space?: string; parent?: number; title?: string } = {}) {
	const params = Object.entries(query).filter(([, v]) => v !== undefined && v !== '');
	return kbHref('/kb/new', Object.fromEntries(params) as Record<string, string | number>);
}
