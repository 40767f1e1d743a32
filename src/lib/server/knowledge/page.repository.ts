/**
 * Knowledge pages in SQL: pages by space and path, the tree, revisions, links and editors.
 * A space is a department id, or null for the organisation's; `coalesce(department_id, 0)` keys
 * the path index so both kinds of space share it.
 */
import { sql } from 'kysely';
import type { Database } from '../db/index.ts';
import type { TocEntry } from '../markdown/render.ts';

export type PageRow = {
	id: number;
	departmentId: number | null;
	parentId: number | null;
	slug: string;
	path: string;
	title: string;
	bodySource: string;
	bodyHtml: string;
	toc: TocEntry[];
	revision: number;
	ownerId: number;
	editRestricted: boolean;
	reviewBy: string | null;
	verifiedUntil: string | null;
	verifiedBy: number | null;
	createdBy: number;
	createdAt: Date;
	updatedBy: number;
	updatedAt: Date;
	deletedAt: Date | null;
};

const pageColumns = [
	'kbPage.id',
	'kbPage.departmentId',
	'kbPage.parentId',
	'kbPage.slug',
	'kbPage.path',
	'kbPage.title',
	'kbPage.bodySource',
	'kbPage.bodyHtml',
	'kbPage.toc',
	'kbPage.revision',
	'kbPage.ownerId',
	'kbPage.editRestricted',
	'kbPage.reviewBy',
	'kbPage.verifiedUntil',
	'kbPage.verifiedBy',
	'kbPage.createdBy',
	'kbPage.createdAt',
	'kbPage.updatedBy',
	'kbPage.updatedAt',
	'kbPage.deletedAt'
] as const;

const spaceKey = (departmentId: number | null) => departmentId ?? 0;
const inSpace = (departmentId: number | null) =>
	sql<boolean>`coalesce(kb_page.department_id, 0) = ${spaceKey(departmentId)}`;

function toRow(row: Omit<PageRow, 'toc'> & { toc: unknown }): PageRow {
	return { ...row, toc: (row.toc ?? []) as TocEntry[] };
}

export async function getPageRow(db: Database, id: number): Promise<PageRow | undefined> {
	const row = await db
		.selectFrom('kbPage')
		.where('id', '=', id)
		.select(pageColumns)
		.executeTakeFirst();
	return row && toRow(row);
}

export async function getPageRowForUpdate(db: Database, id: number): Promise<PageRow | undefined> {
	const row = await db
		.selectFrom('kbPage')
		.where('id', '=', id)
		.select(pageColumns)
		.forUpdate()
		.executeTakeFirst();
	return row && toRow(row);
}

export async function getPageByPath(
	db: Database,
	departmentId: number | null,
	path: string
): Promise<PageRow | undefined> {
	const row = await db
		.selectFrom('kbPage')
		.where(inSpace(departmentId))
		.where('path', '=', path)
		.where('deletedAt', 'is', null)
		.select(pageColumns)
		.executeTakeFirst();
	return row && toRow(row);
}

export async function pathExists(
	db: Database,
	departmentId: number | null,
	path: string,
	exceptId?: number
): Promise<boolean> {
	let query = db
		.selectFrom('kbPage')
		.where(inSpace(departmentId))
		.where('path', '=', path)
		.where('deletedAt', 'is', null)
		.select('id');
	if (exceptId) query = query.where('id', '<>', exceptId);
	return !!(await query.executeTakeFirst());
}

export async function insertPage(
	db: Database,
	values: {
		departmentId: number | null;
		parentId: number | null;
		slug: string;
		path: string;
		title: string;
		bodySource: string;
		bodyHtml: string;
		toc: TocEntry[];
		ownerId: number;
		createdBy: number;
		updatedBy: number;
	}
): Promise<PageRow> {
	const row = await db
		.insertInto('kbPage')
		.values({ ...values, toc: JSON.stringify(values.toc) })
		.returning(pageColumns)
		.executeTakeFirstOrThrow();
	return toRow(row);
}

export async function updatePageContent(
	db: Database,
	id: number,
	values: {
		title: string;
		bodySource: string;
		bodyHtml: string;
		toc: TocEntry[];
		revision: number;
		updatedBy: number;
		updatedAt: Date;
	}
): Promise<PageRow> {
	const row = await db
		.updateTable('kbPage')
		.set({ ...values, toc: JSON.stringify(values.toc) })
		.where('id', '=', id)
		.returning(pageColumns)
		.executeTakeFirstOrThrow();
	return toRow(row);
}

/** Re-renders stored HTML only (links to other pages changed), leaving the revision alone. */
export async function updatePageHtml(db: Database, id: number, bodyHtml: string): Promise<void> {
	await db.updateTable('kbPage').set({ bodyHtml }).where('id', '=', id).execute();
}

export async function updatePageGovernance(
	db: Database,
	id: number,
	values: Partial<{
		ownerId: number;
		reviewBy: string | null;
		editRestricted: boolean;
		verifiedUntil: string | null;
		verifiedBy: number | null;
	}>
): Promise<void> {
	await db.updateTable('kbPage').set(values).where('id', '=', id).execute();
}

export async function softDeletePages(
	db: Database,
	ids: number[],
	deletedBy: number,
	at: Date
): Promise<void> {
	if (!ids.length) return;
	await db
		.updateTable('kbPage')
		.set({ deletedAt: at, deletedBy })
		.where('id', 'in', ids)
		.where('deletedAt', 'is', null)
		.execute();
}

/** The page and every page below it (ids), live ones only. */
export async function listSubtreePageIds(db: Database, pageId: number): Promise<number[]> {
	const { rows } = await sql<{ id: number }>`
		with recursive sub as (
			select id from kb_page where id = ${pageId}
			union
			select p.id from kb_page p join sub on p.parent_id = sub.id where p.deleted_at is null
		)
		select id from sub
	`.execute(db);
	return rows.map((r) => Number(r.id));
}

/**
 * Moves a page (and so its subtree): sets its parent and slug, and rewrites every path below it
 * in one statement by swapping the old path prefix for the new one.
 */
/**
 * The live page that was at `path` before it (or a page above it) moved, if any. The caller
 * looks here only when no live page has that address: a live page always wins.
 */
export async function getPageByFormerPath(
	db: Database,
	departmentId: number | null,
	path: string
): Promise<PageRow | undefined> {
	const row = await db
		.selectFrom('kbPageFormerPath')
		.innerJoin('kbPage', 'kbPage.id', 'kbPageFormerPath.pageId')
		.where(sql<boolean>`coalesce(kb_page_former_path.department_id, 0) = ${spaceKey(departmentId)}`)
		.where('kbPageFormerPath.path', '=', path)
		.where('kbPage.deletedAt', 'is', null)
		.select(pageColumns)
		.executeTakeFirst();
	return row && toRow(row);
}

/**
 * Moves a page and the pages below it to a new path, remembering the addresses they had (one
 * statement for the whole branch) so that their old links redirect.
 */
export async function movePageRows(
	db: Database,
	page: { id: number; departmentId: number | null; path: string },
	next: { parentId: number | null; slug: string; path: string }
): Promise<void> {
	await sql`
		insert into kb_page_former_path (department_id, path, page_id)
		select department_id, path, id from kb_page
		where coalesce(department_id, 0) = ${spaceKey(page.departmentId)}
			and deleted_at is null
			and (id = ${page.id} or starts_with(path, ${page.path + '/'}))
		on conflict ((coalesce(department_id, 0)), path)
		do update set page_id = excluded.page_id, moved_at = now()
	`.execute(db);
	await db
		.updateTable('kbPage')
		.set({ parentId: next.parentId, slug: next.slug, path: next.path })
		.where('id', '=', page.id)
		.execute();
	await sql`
		update kb_page set path = ${next.path} || substr(path, ${page.path.length + 1})
		where coalesce(department_id, 0) = ${spaceKey(page.departmentId)}
			and deleted_at is null
			and starts_with(path, ${page.path + '/'})
	`.execute(db);
}

/** The ancestors of a page, root first (ids, titles, paths). */
export async function listAncestors(
	db: Database,
	pageId: number
): Promise<{ id: number; title: string; path: string }[]> {
	const { rows } = await sql<{ id: number; title: string; path: string; depth: number }>`
		with recursive up as (
			select parent_id, 0 as depth from kb_page where id = ${pageId}
			union all
			select p.parent_id, up.depth + 1 from kb_page p join up on p.id = up.parent_id
			where up.depth < 50
		), ids as (
			select parent_id as id, depth from up where parent_id is not null
		)
		select p.id, p.title, p.path, ids.depth from ids join kb_page p on p.id = ids.id
		order by ids.depth desc
	`.execute(db);
	return rows.map((r) => ({ id: Number(r.id), title: r.title, path: r.path }));
}

export type PageListing = { id: number; parentId: number | null; title: string; path: string };

/** Every live page of a space, for its tree (titles and paths only). */
export async function listSpacePages(
	db: Database,
	departmentId: number | null,
	limit = 5000
): Promise<PageListing[]> {
	return db
		.selectFrom('kbPage')
		.where(inSpace(departmentId))
		.where('deletedAt', 'is', null)
		.select(['id', 'parentId', 'title', 'path'])
		.orderBy(sql`lower(title)`)
		.orderBy('id')
		.limit(limit)
		.execute();
}

export async function listChildPages(db: Database, pageId: number): Promise<PageListing[]> {
	return db
		.selectFrom('kbPage')
		.where('parentId', '=', pageId)
		.where('deletedAt', 'is', null)
		.select(['id', 'parentId', 'title', 'path'])
		.orderBy(sql`lower(title)`)
		.orderBy('id')
		.limit(500)
		.execute();
}

/**
 * Pages across the spaces the viewer may see, by keyset (updated_at, id) newest first; the
 * hidden departments are excluded inside the query.
 */
export async function listRecentPages(
	db: Database,
	input: {
		hiddenDepartmentIds: number[];
		departmentId?: number | null;
		/** The last row of the previous page: its `updatedMicros` and id. */
		before?: { updatedMicros: string; id: number };
		limit: number;
	}
): Promise<
	(PageListing & { departmentId: number | null; updatedAt: Date; updatedMicros: string })[]
> {
	let query = db
		.selectFrom('kbPage')
		.where('deletedAt', 'is', null)
		.select(['id', 'parentId', 'title', 'path', 'departmentId', 'updatedAt'])
		// The cursor keeps PostgreSQL's microseconds: a JavaScript Date keeps milliseconds, and
		// pages saved within the same millisecond (a seed, an import) would be skipped.
		.select(
			sql<string>`(extract(epoch from updated_at) * 1000000)::bigint::text`.as('updatedMicros')
		)
		.orderBy('updatedAt', 'desc')
		.orderBy('id', 'desc')
		.limit(input.limit);
	if (input.hiddenDepartmentIds.length)
		query = query.where((eb) =>
			eb.or([
				eb('departmentId', 'is', null),
				eb('departmentId', 'not in', input.hiddenDepartmentIds)
			])
		);
	if (input.departmentId !== undefined) query = query.where(inSpace(input.departmentId));
	if (input.before) {
		const { updatedMicros, id } = input.before;
		query = query.where(
			sql<boolean>`(updated_at, id) < (timestamptz 'epoch' + ${updatedMicros}::bigint * interval '1 microsecond', ${id})`
		);
	}
	return query.execute();
}

/** Live pages an owner must review by `until` (inclusive), soonest first. */
export async function listPagesDueForReview(
	db: Database,
	ownerId: number,
	until: string
): Promise<(PageListing & { departmentId: number | null; reviewBy: string })[]> {
	const rows = await db
		.selectFrom('kbPage')
		.where('ownerId', '=', ownerId)
		.where('deletedAt', 'is', null)
		.where('reviewBy', '<=', until)
		.select(['id', 'parentId', 'title', 'path', 'departmentId', 'reviewBy'])
		.orderBy('reviewBy')
		.orderBy('id')
		.limit(200)
		.execute();
	return rows.map((r) => ({ ...r, reviewBy: r.reviewBy! }));
}
