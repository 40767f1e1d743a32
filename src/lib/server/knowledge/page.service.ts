/**
 * Writing knowledge pages: create, revise (never over someone else's newer save), restore, move,
 * govern (owner, review date, verification, named editors) and delete. Policies in page.policy.ts
 * decide; refusals are audited; every change is audited in its own transaction.
 */
import { referencedFileIds } from '../files/file-links.ts';
import type { Transaction } from 'kysely';
import { recordAudit, recordDenied } from '../audit/audit.service.ts';
import type { RequestContext } from '../context.ts';
import { db, type Database } from '../db/index.ts';
import type { DB } from '../db/schema.ts';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../errors.ts';
import { requireActor } from '../feeds/post.service.ts';
import type { Actor } from '../org/actor.ts';
import {
	getDepartment,
	getDepartmentBySlug,
	getDepartmentsByIds
} from '../org/department.repository.ts';
import { getActorRow } from '../org/actor.repository.ts';
import {
	ORGANISATION_SPACE,
	type PageCreateInput,
	type PageMoveInput,
	type PageUpdateInput
} from '../../shared/schemas/knowledge.ts';
import { attachFiles } from '../files/attachment.repository.ts';
import { enqueueSearchIndex } from '../search/outbox.repository.ts';
import { refreshPagesAwaiting, refreshPagesLinkingTo, renderPageInSpace } from './page-links.ts';
import { canEditPage, canGovernPage, canSeeSpace, canWriteInSpace } from './page.policy.ts';
import {
	getPageRow,
	getPageRowForUpdate,
	insertPage,
	listChildPages,
	listSubtreePageIds,
	movePageRows,
	pathExists,
	softDeletePages,
	updatePageContent,
	type PageRow
} from './page.repository.ts';
import { getRevision, insertRevision } from './page-revision.repository.ts';
import { isNamedEditor } from './page-editor.repository.ts';
import { replacePageLinks } from './page-link.repository.ts';

export type Space = { slug: string; name: string; departmentId: number | null };

/** A space by its URL name, if the actor may see it; NotFoundError otherwise. */
export async function resolveSpace(actor: Actor, slug: string): Promise<Space> {
	if (slug === ORGANISATION_SPACE)
		return { slug: ORGANISATION_SPACE, name: 'Organisation', departmentId: null };
	const department = await getDepartmentBySlug(db(), slug);
	if (!department || !canSeeSpace(actor, department.id))
		throw new NotFoundError('That knowledge space does not exist.');
	return { slug: department.slug, name: department.name, departmentId: department.id };
}

const ORGANISATION: Space = { slug: ORGANISATION_SPACE, name: 'Organisation', departmentId: null };

export async function spaceOfDepartment(departmentId: number | null): Promise<Space> {
	if (departmentId === null) return ORGANISATION;
	const department = await getDepartment(db(), departmentId);
	if (!department) throw new NotFoundError('That knowledge space does not exist.');
	return { slug: department.slug, name: department.name, departmentId: department.id };
}

/** The spaces of several departments (null: the organisation's) in one query, for lists. */
export async function spacesOfDepartments(
	departmentIds: (number | null)[]
): Promise<Map<number | null, Space>> {
	const departments = await getDepartmentsByIds(
		db(),
		departmentIds.filter((id): id is number => id !== null)
	);
	return new Map<number | null, Space>([
		[null, ORGANISATION],
		...departments.map((d) => [d.id, { slug: d.slug, name: d.name, departmentId: d.id }] as const)
	]);
}

/** The address of a page whose title has no letter or digit an address keeps. */
const FALLBACK_SLUG = 'page';

/** A slug from a title: "Travel & expenses (2027)" becomes "travel-expenses-2027". */
export function slugify(title: string): string {
	return (
		title
			.toLowerCase()
			.normalize('NFKD')
			.replace(/[\u0300-\u036f]/g, '')
			.replace(/[^a-z0-9]+/g, '-')
			.replace(/^-+|-+$/g, '')
			.slice(0, 80)
			.replace(/-+$/, '') || FALLBACK_SLUG
	);
}

/** The page if the actor may see it (live pages only); NotFoundError otherwise. */
export async function getVisiblePage(ctx: RequestContext, pageId: number): Promise<PageRow> {
	const actor = requireActor(ctx);
	const page = await getPageRow(db(), pageId);
	if (!page || page.deletedAt || !canSeeSpace(actor, page.departmentId))
		throw new NotFoundError('That page does not exist or has been removed.');
	return page;
}

export async function mayEditPage(database: Database, actor: Actor, page: PageRow) {
	const named = page.editRestricted ? await isNamedEditor(database, page.id, actor.id) : false;
	return canEditPage(actor, page, named);
}

/** Whether the actor may see a page (live ones): what serving its files checks. */
export async function canViewPage(ctx: RequestContext, pageId: number): Promise<boolean> {
	return getVisiblePage(ctx, pageId).then(
		() => true,
		() => false
	);
}

/** The same text as now: saving it adds no revision. */
function unchanged(page: PageRow, title: string, body: string): boolean {
	return page.title === title && page.bodySource === body;
}

/**
 * Someone saved the page after the version this edit started from. Carries their version so the
 * editor can show both, with a diff, and keep the person's own text.
 */
export class PageConflictError extends ConflictError {
	readonly current: {
		revision: number;
		title: string;
		bodySource: string;
		updatedBy: string;
		updatedAt: Date;
	};
	constructor(current: PageConflictError['current']) {
		super(
			`${current.updatedBy} saved this page while you were editing it. Your text is kept below: compare it with theirs, merge what you need, and save again.`
		);
		this.current = current;
	}
}

/**
 * Creates a page in a space (at the top, or under `parentId`), as its first revision. Members of
 * the space's department (communications for the organisation's) and administrators may.
 * Throws ValidationError (bad parent, address taken), ForbiddenError (audited), NotFoundError.
 */
export async function createPage(
	ctx: RequestContext,
	input: PageCreateInput,
	now: Date = new Date()
): Promise<PageRow> {
	const actor = requireActor(ctx);
	const space = await resolveSpace(actor, input.space);
	if (!canWriteInSpace(actor, space.departmentId)) {
		await recordDenied(ctx, 'page.create', 'space', space.slug);
		throw new ForbiddenError(
			space.departmentId === null
				? 'Only communications staff and administrators write in the organisation-wide space.'
				: `Only members of ${space.name} write in its space.`
		);
	}
	const typedSlug = input.slug;
	let slug = typedSlug ?? slugify(input.title);
	return db()
		.transaction()
		.execute(async (trx) => {
			let parentPath = '';
			if (input.parentId !== null) {
				const parent = await getPageRow(trx, input.parentId);
				if (!parent || parent.deletedAt || parent.departmentId !== space.departmentId)
					throw new ValidationError('Choose a parent page in the same space.', {
						parentId: 'Choose a parent page in the same space.'
					});
				parentPath = `${parent.path}/`;
			}
			if (typedSlug === undefined && slug === FALLBACK_SLUG) {
				// A title with no letter the address keeps ("日本語ガイド", "Руководство"): numbered
				// rather than refused over an address the person never typed. Any other title that
				// gives a taken address is most likely the same page again, which is refused below.
				for (
					let n = 2;
					(await pathExists(trx, space.departmentId, parentPath + slug)) && n < 1000;
					n++
				)
					slug = `${FALLBACK_SLUG}-${n}`;
			}
			const path = parentPath + slug;
			if (await pathExists(trx, space.departmentId, path))
				throw new ValidationError('A page already has that address here.', {
					slug: `“${slug}” is taken at this level. Choose another address (slug) or title.`
				});
			const rendered = await renderPageInSpace(trx, space.departmentId, input.body);
			const page = await insertPage(trx, {
				departmentId: space.departmentId,
				parentId: input.parentId,
				slug,
				path,
				title: input.title,
				bodySource: input.body,
				bodyHtml: rendered.html,
				toc: rendered.toc,
				ownerId: actor.id,
				createdBy: actor.id,
				updatedBy: actor.id
			});
			await insertRevision(trx, {
				pageId: page.id,
				number: 1,
				title: page.title,
				bodySource: page.bodySource,
				bodyHtml: page.bodyHtml,
				summary: input.summary || 'Created the page.',
				authorId: actor.id,
				createdAt: now
			});
			await replacePageLinks(trx, page.id, rendered.linkRows);
			await attachFiles(
				trx,
				{ pageId: page.id },
				{
					attachmentIds: referencedFileIds(input.body),
					uploaderId: actor.id
				}
			);
			await refreshPagesAwaiting(trx, page.title);
			await enqueueSearchIndex(trx, [{ kind: 'page', id: page.id }]);
			await recordAudit(trx, ctx, {
				action: 'page.create',
				objectType: 'page',
				objectId: page.id,
				details: { space: space.slug, path, title: page.title }
			});
			return page;
		});
}

async function lockEditable(
	trx: Transaction<DB>,
	ctx: RequestContext,
	actor: Actor,
	pageId: number
): Promise<PageRow> {
	const page = await getPageRowForUpdate(trx, pageId);
	if (!page || page.deletedAt || !canSeeSpace(actor, page.departmentId))
		throw new NotFoundError('That page does not exist or has been removed.');
	if (!(await mayEditPage(trx, actor, page))) {
		await recordDenied(ctx, 'page.edit', 'page', pageId);
		throw new ForbiddenError(
			page.editRestricted
				? 'Only the people this page names as its editors may change it. Ask its owner.'
				: 'You may read this page but not edit it: only members of its department can.'
		);
	}
	return page;
}

/**
 * The live page, locked in `trx`, if the actor governs it (owner, the space's managers,
 * administrators: who moves, deletes, verifies and sets its owner). NotFoundError when hidden or
 * gone; ForbiddenError (audited as `action`) otherwise, saying who may `doWhat`.
 */
export async function lockGoverned(
	trx: Transaction<DB>,
	ctx: RequestContext,
	actor: Actor,
	pageId: number,
	action: string,
	doWhat: string
): Promise<PageRow> {
	const page = await getPageRowForUpdate(trx, pageId);
	if (!page || page.deletedAt || !canSeeSpace(actor, page.departmentId))
		throw new NotFoundError('That page does not exist or has been removed.');
	if (!canGovernPage(actor, page)) {
		await recordDenied(ctx, action, 'page', pageId);
		throw new ForbiddenError(
			`Only the page’s owner, its department’s managers and administrators ${doWhat}.`
		);
	}
	return page;
}

async function writeRevision(
	trx: Transaction<DB>,
	ctx: RequestContext,
	actor: Actor,
	page: PageRow,
	next: { title: string; body: string; summary: string; restoredFrom?: number },
	now: Date
): Promise<PageRow> {
	const rendered = await renderPageInSpace(trx, page.departmentId, next.body);
	const revision = page.revision + 1;
	const updated = await updatePageContent(trx, page.id, {
		title: next.title,
		bodySource: next.body,
		bodyHtml: rendered.html,
		toc: rendered.toc,
		revision,
		updatedBy: actor.id,
		updatedAt: now
	});
	await insertRevision(trx, {
		pageId: page.id,
		number: revision,
		title: next.title,
		bodySource: next.body,
		bodyHtml: rendered.html,
		summary: next.summary,
		authorId: actor.id,
		createdAt: now,
		restoredFrom: next.restoredFrom ?? null
	});
	await replacePageLinks(trx, page.id, rendered.linkRows);
	await attachFiles(
		trx,
		{ pageId: page.id },
		{
			attachmentIds: referencedFileIds(next.body),
			uploaderId: actor.id
		}
	);
	if (next.title.toLowerCase() !== page.title.toLowerCase())
		await refreshPagesAwaiting(trx, next.title);
	await enqueueSearchIndex(trx, [{ kind: 'page', id: page.id }]);
	await recordAudit(trx, ctx, {
		action: next.restoredFrom ? 'page.restore' : 'page.revise',
		objectType: 'page',
		objectId: page.id,
		details: { revision, ...(next.restoredFrom ? { restoredFrom: next.restoredFrom } : {}) }
	});
	return updated;
}

/**
 * Saves a new revision of a page. The input names the revision the edit started from; if someone
 * saved since, throws PageConflictError (409) carrying their version, and nothing is written.
 * Saving the same text again changes nothing. Throws ForbiddenError (audited), NotFoundError.
 */
export async function revisePage(
	ctx: RequestContext,
	pageId: number,
	input: PageUpdateInput,
	now: Date = new Date()
): Promise<PageRow> {
	const actor = requireActor(ctx);
	return db()
		.transaction()
		.execute(async (trx) => {
			const page = await lockEditable(trx, ctx, actor, pageId);
			if (page.revision !== input.baseRevision) {
				if (unchanged(page, input.title, input.body)) return page;
				const author = await getActorRow(trx, page.updatedBy);
				throw new PageConflictError({
					revision: page.revision,
					title: page.title,
					bodySource: page.bodySource,
					updatedBy: author?.name ?? 'Someone',
					updatedAt: page.updatedAt
				});
			}
			if (unchanged(page, input.title, input.body)) return page;
			return writeRevision(
				trx,
				ctx,
				actor,
				page,
				{ title: input.title, body: input.body, summary: input.summary },
				now
			);
		});
}

/**
 * Makes an earlier revision the current text again, as a new revision (history is never
 * rewritten). Conflicts like an edit when the page changed since `baseRevision`.
 */
export async function restoreRevision(
	ctx: RequestContext,
	pageId: number,
	input: { revision: number; baseRevision: number },
	now: Date = new Date()
): Promise<PageRow> {
	const actor = requireActor(ctx);
	return db()
		.transaction()
		.execute(async (trx) => {
			const page = await lockEditable(trx, ctx, actor, pageId);
			const old = await getRevision(trx, pageId, input.revision);
			if (!old) throw new NotFoundError('This page has no such revision.');
			if (page.revision !== input.baseRevision)
				throw new ConflictError(
					'The page changed since you opened its history. Look at the newest revision first.'
				);
			if (old.number === page.revision)
				throw new ValidationError('That revision is already the current text.');
			return writeRevision(
				trx,
				ctx,
				actor,
				page,
				{
					title: old.title,
					body: old.bodySource,
					summary: `Restored revision ${old.number}.`,
					restoredFrom: old.number
				},
				now
			);
		});
}

/**
 * Moves a page (with everything below it) under another page of the same space, or to its top,
 * optionally with a new slug. A page cannot move under itself or its own sub-pages.
 */
export async function movePage(
	ctx: RequestContext,
	pageId: number,
	input: PageMoveInput
): Promise<PageRow> {
	const actor = requireActor(ctx);
	return db()
		.transaction()
		.execute(async (trx) => {
			const page = await lockGoverned(trx, ctx, actor, pageId, 'page.move', 'move it');
			const subtree = await listSubtreePageIds(trx, pageId);
			let parentPath = '';
			if (input.parentId !== null) {
				if (subtree.includes(input.parentId))
					throw new ValidationError(
						'A page cannot move under itself or one of its own sub-pages.',
						{
							parentId: 'Choose a page outside this one’s own branch.'
						}
					);
				const parent = await getPageRow(trx, input.parentId);
				if (!parent || parent.deletedAt || parent.departmentId !== page.departmentId)
					throw new ValidationError('Choose a parent page in the same space.', {
						parentId: 'Choose a parent page in the same space.'
					});
				parentPath = `${parent.path}/`;
			}
			const slug = input.slug ?? page.slug;
			const path = parentPath + slug;
			if (path === page.path) return page;
			if (await pathExists(trx, page.departmentId, path, page.id))
				throw new ValidationError('A page already has that address there.', {
					slug: `“${slug}” is taken at that level. Choose another slug.`
				});
			await movePageRows(trx, page, { parentId: input.parentId, slug, path });
			await refreshPagesLinkingTo(trx, subtree);
			// Their addresses changed: search results must link to the new ones.
			await enqueueSearchIndex(
				trx,
				subtree.map((id) => ({ kind: 'page' as const, id }))
			);
			await recordAudit(trx, ctx, {
				action: 'page.move',
				objectType: 'page',
				objectId: page.id,
				details: { from: page.path, to: path, pages: subtree.length }
			});
			return (await getPageRow(trx, page.id))!;
		});
}

/**
 * Deletes a page (soft: its revisions stay for the record). A page with sub-pages cannot be
 * deleted until they are moved or deleted. Owners, managers of the space and administrators.
 */
export async function deletePage(
	ctx: RequestContext,
	pageId: number,
	now = new Date()
): Promise<PageRow> {
	const actor = requireActor(ctx);
	return db()
		.transaction()
		.execute(async (trx) => {
			const page = await lockGoverned(trx, ctx, actor, pageId, 'page.delete', 'delete it');
			if ((await listChildPages(trx, pageId)).length)
				throw new ConflictError('This page has sub-pages. Move or delete them first.');
			await softDeletePages(trx, [pageId], actor.id, now);
			await refreshPagesLinkingTo(trx, [pageId]);
			await enqueueSearchIndex(trx, [{ kind: 'page', id: pageId }]);
			await recordAudit(trx, ctx, {
				action: 'page.delete',
				objectType: 'page',
				objectId: pageId,
				details: { path: page.path, title: page.title, revision: page.revision }
			});
			return page;
		});
}
