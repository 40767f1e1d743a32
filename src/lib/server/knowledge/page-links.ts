/**
 * `[[Page title]]` links: resolving them when a page is rendered, and keeping the pages that link
 * somewhere current when the target appears or moves.
 *
 * A link resolves in the space it names (`[[finance:Travel policy]]`), else in the page's own
 * space, else in the organisation's. Stored HTML is read by everyone who may see the linking page,
 * so a link only resolves to a page in the same space, in the organisation's space, or in a
 * department no one is kept out of: a public page must never reveal a members-only page's title
 * or address. Anything else renders as a link to create the page.
 */
import type { Database } from '../db/index.ts';
import {
	listWikiLinks,
	renderPageMarkdown,
	wikiLinkKey,
	type RenderedPage,
	type WikiLinkResolution,
	type WikiLinkTarget
} from '../markdown/render.ts';
import {
	getDepartment,
	getDepartmentsBySlugs,
	listHiddenDepartmentIds
} from '../org/department.repository.ts';
import { ORGANISATION_SPACE } from '../../shared/schemas/knowledge.ts';
import {
	findPagesByTitles,
	listPagesAwaitingTitle,
	listPagesLinkingTo,
	replacePageLinks
} from './page-link.repository.ts';
import { updatePageHtml } from './page.repository.ts';

export type RenderedPageWithLinks = RenderedPage & {
	linkRows: { targetTitle: string; toPageId: number | null }[];
};

/** The URL of a page: `/kb/<space>/<path>`. */
export function pageHref(spaceSlug: string, path: string): string {
	return `/kb/${encodeURIComponent(spaceSlug)}/${path.split('/').map(encodeURIComponent).join('/')}`;
}

export function newPageHref(spaceSlug: string, title: string): string {
	return `/kb/new?${new URLSearchParams({ space: spaceSlug, title })}`;
}

async function spaceSlugOf(database: Database, departmentId: number | null): Promise<string> {
	if (departmentId === null) return ORGANISATION_SPACE;
	return (await getDepartment(database, departmentId))?.slug ?? ORGANISATION_SPACE;
}

/** Renders a page's source in its space, resolving its wiki links. */
export async function renderPageInSpace(
	database: Database,
	departmentId: number | null,
	source: string
): Promise<RenderedPageWithLinks> {
	const targets = listWikiLinks(source);
	const resolved = new Map<string, WikiLinkResolution>();
	const linkRows: RenderedPageWithLinks['linkRows'] = [];
	if (targets.length) {
		const ownSlug = await spaceSlugOf(database, departmentId);
		const named = [...new Set(targets.flatMap((t) => (t.space ? [t.space] : [])))].filter(
			(s) => s !== ORGANISATION_SPACE
		);
		const departments = await getDepartmentsBySlugs(database, named);
		const idBySlug = new Map(departments.map((d) => [d.slug, d.id]));
		const slugById = new Map<number | null, string>(departments.map((d) => [d.id, d.slug]));
		slugById.set(departmentId, ownSlug);
		slugById.set(null, ORGANISATION_SPACE);
		// Departments some people may not see: never link into them from another space.
		const privateIds = new Set(await listHiddenDepartmentIds(database, []));
		const spaceOf = (t: WikiLinkTarget): (number | null)[] => {
			if (!t.space) return [departmentId, null];
			if (t.space === ORGANISATION_SPACE) return [null];
			const id = idBySlug.get(t.space);
			if (id === undefined) return [];
			return id === departmentId || !privateIds.has(id) ? [id] : [];
		};
		const spaces = [...new Set(targets.flatMap(spaceOf))];
		const candidates = await findPagesByTitles(
			database,
			[...new Set(targets.map((t) => t.title.toLowerCase()))],
			spaces
		);
		for (const target of targets) {
			const order = spaceOf(target);
			const match = order
				.map((space) =>
					candidates.find(
						(c) => c.departmentId === space && c.title.toLowerCase() === target.title.toLowerCase()
					)
				)
				.find((c) => c !== undefined);
			const key = wikiLinkKey(target);
			if (match) {
				resolved.set(key, {
					href: pageHref(slugById.get(match.departmentId)!, match.path),
					exists: true
				});
			} else {
				const slug = target.space && order.length ? target.space : ownSlug;
				resolved.set(key, { href: newPageHref(slug, target.title), exists: false });
			}
			linkRows.push({ targetTitle: target.title.toLowerCase(), toPageId: match?.id ?? null });
		}
	}
	const rendered = renderPageMarkdown(source, resolved);
	// Two spellings of one title ([[Leave]] and [[leave]]) are one link row.
	const unique = new Map(linkRows.map((row) => [row.targetTitle, row]));
	return { ...rendered, linkRows: [...unique.values()] };
}

/** Renders again the given pages (their links changed) and stores their HTML and link rows. */
async function rerender(
	database: Database,
	pages: { id: number; departmentId: number | null; bodySource: string }[]
): Promise<void> {
	for (const page of pages) {
		const rendered = await renderPageInSpace(database, page.departmentId, page.bodySource);
		await updatePageHtml(database, page.id, rendered.html);
		await replacePageLinks(database, page.id, rendered.linkRows);
	}
}

/** A page titled `title` now exists: pages that were waiting for it link to it. */
export async function refreshPagesAwaiting(database: Database, title: string): Promise<void> {
	await rerender(database, await listPagesAwaitingTitle(database, title));
}

/** Pages moved (their addresses changed): pages linking to them get the new addresses. */
export async function refreshPagesLinkingTo(database: Database, pageIds: number[]): Promise<void> {
	await rerender(database, await listPagesLinkingTo(database, pageIds));
}
