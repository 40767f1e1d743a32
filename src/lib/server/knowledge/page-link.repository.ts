/**
 * [[Wiki link]] rows in SQL: what each page links to, resolved to a page when one exists.
 */
import { sql } from 'kysely';
import type { Database } from '../db/index.ts';

/** Replaces the links a page makes; each target is resolved to a page id when one exists. */
export async function replacePageLinks(
	db: Database,
	fromPageId: number,
	links: { targetTitle: string; toPageId: number | null }[]
): Promise<void> {
	await db.deleteFrom('kbPageLink').where('fromPageId', '=', fromPageId).execute();
	if (!links.length) return;
	await db
		.insertInto('kbPageLink')
		.values(links.map((l) => ({ fromPageId, ...l })))
		.onConflict((oc) => oc.doNothing())
		.execute();
}

/** Live pages linking to any of `pageIds` (ids and sources), for backlinks and re-rendering. */
export async function listPagesLinkingTo(
	db: Database,
	pageIds: number[]
): Promise<
	{ id: number; departmentId: number | null; title: string; path: string; bodySource: string }[]
> {
	if (!pageIds.length) return [];
	return db
		.selectFrom('kbPage')
		.where('deletedAt', 'is', null)
		.where(
			'id',
			'in',
			db.selectFrom('kbPageLink').where('toPageId', 'in', pageIds).select('fromPageId')
		)
		.select(['id', 'departmentId', 'title', 'path', 'bodySource'])
		.orderBy(sql`lower(title)`)
		.limit(500)
		.execute();
}

/** Live pages whose unresolved links wait for a page titled `title` (lower-cased). */
export async function listPagesAwaitingTitle(
	db: Database,
	title: string
): Promise<{ id: number; departmentId: number | null; bodySource: string }[]> {
	return db
		.selectFrom('kbPage')
		.where('deletedAt', 'is', null)
		.where(
			'id',
			'in',
			db
				.selectFrom('kbPageLink')
				.where('toPageId', 'is', null)
				.where('targetTitle', '=', title.toLowerCase())
				.select('fromPageId')
		)
		.select(['id', 'departmentId', 'bodySource'])
		.limit(500)
		.execute();
}

/** Candidate pages for wiki-link titles (lower-cased) in the given spaces. */
export async function findPagesByTitles(
	db: Database,
	titles: string[],
	departmentIds: (number | null)[]
): Promise<{ id: number; departmentId: number | null; title: string; path: string }[]> {
	if (!titles.length || !departmentIds.length) return [];
	return db
		.selectFrom('kbPage')
		.where('deletedAt', 'is', null)
		.where(sql<string>`lower(title)`, 'in', titles)
		.where(
			sql<number>`coalesce(department_id, 0)`,
			'in',
			departmentIds.map((d) => d ?? 0)
		)
		.select(['id', 'departmentId', 'title', 'path'])
		.orderBy('id')
		.execute();
}
