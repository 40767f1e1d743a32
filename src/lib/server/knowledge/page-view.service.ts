/**
 * Reading knowledge pages: a page with its breadcrumbs, sub-pages, backlinks and governance
 * state; a space's tree; history and diffs; pages due for review; the editor's preview.
 */
import { z } from 'zod';
import type { RequestContext } from '../context.ts';
import { db } from '../db/index.ts';
import { NotFoundError, ValidationError } from '../errors.ts';
import { decodeCursor, encodeCursor } from '../pagination.ts';
import { requireActor } from '../feeds/post.service.ts';
import { listAttachmentsForPage } from '../files/attachment.repository.ts';
import { diffTexts } from '../markdown/diff.ts';
import { departmentTree, type DepartmentNode } from '../org/directory.service.ts';
import type {
	PageDiffView,
	PageRef,
	PageTreeNode,
	PageView,
	RevisionView
} from '../../shared/knowledge.ts';
import { ORGANISATION_SPACE } from '../../shared/schemas/knowledge.ts';
import { pageHref, renderPageInSpace } from './page-links.ts';
import { canGovernPage, canWriteInSpace } from './page.policy.ts';
import {
	getPageByFormerPath,
	getPageByPath,
	getPageRow,
	listAncestors,
	listChildPages,
	listPagesDueForReview,
	listRecentPages,
	listSpacePages,
	type PageRow
} from './page.repository.ts';
import { getRevision, listRevisions } from './page-revision.repository.ts';
import { listPagesLinkingTo } from './page-link.repository.ts';
import { listPeopleNames } from './page-editor.repository.ts';
import {
	getVisiblePage,
	mayEditPage,
	resolveSpace,
	spaceOfDepartment,
	spacesOfDepartments,
	type Space
} from './page.service.ts';

function today(): string {
	return new Date().toISOString().slice(0, 10);
}

async function toPageView(ctx: RequestContext, page: PageRow, space: Space): Promise<PageView> {
	const actor = requireActor(ctx);
	const [ancestors, children, linking, names, canEdit, attachments] = await Promise.all([
		listAncestors(db(), page.id),
		listChildPages(db(), page.id),
		listPagesLinkingTo(db(), [page.id]),
		listPeopleNames(db(), [
			page.ownerId,
			page.updatedBy,
			...(page.verifiedBy ? [page.verifiedBy] : [])
		]),
		mayEditPage(db(), actor, page),
		listAttachmentsForPage(db(), page.id)
	]);
	const ref = (p: { id: number; title: string; path: string }): PageRef => ({
		id: p.id,
		title: p.title,
		href: pageHref(space.slug, p.path)
	});
	// Backlinks from spaces the reader may not see are left out, never named.
	const visibleLinking = linking.filter(
		(from) => from.departmentId === null || !actor.hiddenDepartmentIds.includes(from.departmentId)
	);
	const spaces = await spacesOfDepartments(visibleLinking.map((from) => from.departmentId));
	const backlinks: PageRef[] = visibleLinking.map((from) => ({
		id: from.id,
		title: from.title,
		href: pageHref(spaces.get(from.departmentId)?.slug ?? space.slug, from.path)
	}));
	const now = today();
	const govern = canGovernPage(actor, page);
	return {
		id: page.id,
		space: { slug: space.slug, name: space.name, departmentId: space.departmentId },
		title: page.title,
		slug: page.slug,
		path: page.path,
		href: pageHref(space.slug, page.path),
		parentId: page.parentId,
		bodySource: page.bodySource,
		bodyHtml: page.bodyHtml,
		toc: page.toc,
		revision: page.revision,
		owner: { id: page.ownerId, name: names.get(page.ownerId) ?? 'Unknown' },
		updatedBy: { id: page.updatedBy, name: names.get(page.updatedBy) ?? 'Unknown' },
		updatedAt: page.updatedAt.toISOString(),
		createdAt: page.createdAt.toISOString(),
		reviewBy: page.reviewBy,
		verifiedUntil: page.verifiedUntil,
		verifiedBy: page.verifiedBy
			? { id: page.verifiedBy, name: names.get(page.verifiedBy) ?? 'Unknown' }
			: null,
		overdue: page.reviewBy !== null && page.reviewBy < now,
		verified: page.verifiedUntil !== null && page.verifiedUntil >= now,
		editRestricted: page.editRestricted,
		breadcrumbs: ancestors.map(ref),
		children: children.map(ref),
		backlinks,
		attachments,
		can: { edit: canEdit, govern, move: govern, delete: govern }
	};
}

/** Thrown for an address a page had before it moved: `href` is where it is now. */
export class PageMovedError extends Error {
	readonly href: string;
	constructor(href: string) {
		super(`This page has moved to ${href}.`);
		this.href = href;
	}
}

/**
 * A page by its space and path, as its page shows it. NotFoundError when hidden or missing;
 * PageMovedError when a page had this address before it (or a page above it) moved.
 */
export async function getPageView(
	ctx: RequestContext,
	spaceSlug: string,
	path: string
): Promise<PageView> {
	const actor = requireActor(ctx);
	const space = await resolveSpace(actor, spaceSlug);
	const page = await getPageByPath(db(), space.departmentId, path);
	if (!page) {
		const moved = await getPageByFormerPath(db(), space.departmentId, path);
		if (moved) throw new PageMovedError(pageHref(space.slug, moved.path));
		throw new NotFoundError('There is no page at this address. It may have been deleted.');
	}
	return toPageView(ctx, page, space);
}

/** A page by id, as its page shows it. NotFoundError when hidden or missing. */
export async function getPageViewById(ctx: RequestContext, pageId: number): Promise<PageView> {
	const page = await getVisiblePage(ctx, pageId);
	return toPageView(ctx, page, await spaceOfDepartment(page.departmentId));
}

function buildTree(
	pages: { id: number; parentId: number | null; title: string; path: string }[],
	spaceSlug: string
): PageTreeNode[] {
	const nodes = new Map<number, PageTreeNode>();
	for (const p of pages)
		nodes.set(p.id, { id: p.id, title: p.title, href: pageHref(spaceSlug, p.path), children: [] });
	const roots: PageTreeNode[] = [];
	for (const p of pages) {
		const parent = p.parentId === null ? undefined : nodes.get(p.parentId);
		(parent ? parent.children : roots).push(nodes.get(p.id)!);
	}
	return roots;
}

/** A space: its name, its page tree, and whether the actor may add pages. */
export async function getSpaceView(
	ctx: RequestContext,
	spaceSlug: string,
	options: { deletedPageId?: number } = {}
) {
	const actor = requireActor(ctx);
	const space = await resolveSpace(actor, spaceSlug);
	const [pages, deleted] = await Promise.all([
		listSpacePages(db(), space.departmentId),
		options.deletedPageId ? getPageRow(db(), options.deletedPageId) : undefined
	]);
	return {
		space,
		tree: buildTree(pages, space.slug),
		pageCount: pages.length,
		canWrite: canWriteInSpace(actor, space.departmentId),
		/**
		 * The title of the page just deleted here, for the notice after deleting it: read from the
		 * page itself (a deleted page of this space), never from the address, which anyone can write.
		 */
		deletedTitle:
			deleted?.deletedAt && deleted.departmentId === space.departmentId ? deleted.title : null
	};
}

/** Every space the actor may see, with the ones they may write in marked. */
export async function listSpaces(ctx: RequestContext) {
	const actor = requireActor(ctx);
	const tree = await departmentTree(ctx);
	type SpaceNode = Omit<DepartmentNode, 'children'> & { canWrite: boolean; children: SpaceNode[] };
	const mark = (nodes: DepartmentNode[]): SpaceNode[] =>
		nodes.map((n) => ({
			...n,
			canWrite: canWriteInSpace(actor, n.id),
			children: mark(n.children)
		}));
	return {
		organisation: {
			slug: ORGANISATION_SPACE,
			name: 'Organisation',
			canWrite: canWriteInSpace(actor, null)
		},
		departments: mark(tree)
	};
}

const pageCursor = z.tuple([z.string().regex(/^\d{1,20}$/), z.number().int().positive()]);

/**
 * Pages the actor may see, most recently updated first, in one space or all of them; keyset
 * pages of `limit` with an opaque cursor.
 */
export async function listPages(
	ctx: RequestContext,
	input: { space?: string; cursor?: string | null; limit?: number }
) {
	const actor = requireActor(ctx);
	const limit = Math.min(Math.max(input.limit ?? 50, 1), 100);
	const space = input.space ? await resolveSpace(actor, input.space) : undefined;
	const after = decodeCursor(input.cursor, pageCursor);
	const rows = await listRecentPages(db(), {
		hiddenDepartmentIds: actor.hiddenDepartmentIds,
		departmentId: space ? space.departmentId : undefined,
		before: after ? { updatedMicros: after[0], id: after[1] } : undefined,
		limit: limit + 1
	});
	const pages = await describeListed(rows.slice(0, limit));
	const last = rows.length > limit ? rows[limit - 1]! : null;
	return {
		pages,
		nextCursor: last ? encodeCursor([last.updatedMicros, last.id]) : null
	};
}

async function describeListed(
	rows: { id: number; title: string; path: string; departmentId: number | null; updatedAt: Date }[]
) {
	const spaces = await spacesOfDepartments(rows.map((row) => row.departmentId));
	return rows.flatMap((row) => {
		const space = spaces.get(row.departmentId);
		if (!space) return [];
		return [
			{
				id: row.id,
				title: row.title,
				href: pageHref(space.slug, row.path),
				spaceName: space.name,
				spaceSlug: space.slug,
				updatedAt: row.updatedAt.toISOString()
			}
		];
	});
}

/** Recently updated pages the actor may see, in every space, newest first. */
export async function listRecentlyUpdated(ctx: RequestContext, limit = 10) {
	const actor = requireActor(ctx);
	return describeListed(
		await listRecentPages(db(), { hiddenDepartmentIds: actor.hiddenDepartmentIds, limit })
	);
}

/** Pages the actor owns whose review date is within `days` (or past), soonest first. */
export async function listMyPagesDueForReview(ctx: RequestContext, days = 14) {
	const actor = requireActor(ctx);
	const until = new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
	const rows = await listPagesDueForReview(db(), actor.id, until);
	const now = today();
	const spaces = await spacesOfDepartments(rows.map((row) => row.departmentId));
	return rows.flatMap((row) => {
		const space = spaces.get(row.departmentId);
		if (!space) return [];
		return [
			{
				id: row.id,
				title: row.title,
				href: pageHref(space.slug, row.path),
				spaceName: space.name,
				reviewBy: row.reviewBy,
				overdue: row.reviewBy < now
			}
		];
	});
}

function toRevisionView(row: {
	number: number;
	title: string;
	summary: string;
	authorId: number;
	authorName: string;
	createdAt: Date;
	restoredFrom: number | null;
}): RevisionView {
	return {
		number: row.number,
		title: row.title,
		summary: row.summary,
		author: { id: row.authorId, name: row.authorName },
		createdAt: row.createdAt.toISOString(),
		restoredFrom: row.restoredFrom
	};
}

const HISTORY_PAGE = 50;

/** A page's revisions, newest first, 50 at a time (`before`: a revision number). */
export async function listPageHistory(ctx: RequestContext, pageId: number, before?: number) {
	const page = await getVisiblePage(ctx, pageId);
	const rows = await listRevisions(db(), pageId, { before, limit: HISTORY_PAGE + 1 });
	const revisions = rows.slice(0, HISTORY_PAGE).map(toRevisionView);
	return {
		revisions,
		currentRevision: page.revision,
		nextBefore: rows.length > HISTORY_PAGE ? revisions.at(-1)!.number : null
	};
}

/** One revision's full text. */
export async function getPageRevision(ctx: RequestContext, pageId: number, number: number) {
	await getVisiblePage(ctx, pageId);
	const row = await getRevision(db(), pageId, number);
	if (!row) throw new NotFoundError('This page has no such revision.');
	return { ...toRevisionView(row), bodySource: row.bodySource, bodyHtml: row.bodyHtml };
}

/** A line diff between two texts (kept here too: routes import it from this module). */
export { diffTexts };

/** The difference between two revisions of a page (either order). */
export async function diffPageRevisions(
	ctx: RequestContext,
	pageId: number,
	from: number,
	to: number
): Promise<PageDiffView> {
	await getVisiblePage(ctx, pageId);
	if (from === to) throw new ValidationError('Choose two different revisions to compare.');
	const [a, b] = await Promise.all([
		getRevision(db(), pageId, from),
		getRevision(db(), pageId, to)
	]);
	if (!a || !b) throw new NotFoundError('This page has no such revision.');
	return {
		from: toRevisionView(a),
		to: toRevisionView(b),
		titleChanged: a.title !== b.title,
		...diffTexts(a.bodySource, b.bodySource)
	};
}

/**
 * What the editor's preview shows: the server's own rendering, exactly what saving would store.
 */
export async function previewPage(ctx: RequestContext, spaceSlug: string, body: string) {
	const actor = requireActor(ctx);
	const space = await resolveSpace(actor, spaceSlug);
	const rendered = await renderPageInSpace(db(), space.departmentId, body);
	return { html: rendered.html, toc: rendered.toc };
}
