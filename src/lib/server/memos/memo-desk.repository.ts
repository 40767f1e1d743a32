/**
 * The issuer's side of memos as lists: the memos a person wrote, the ones waiting for their
 * approval, the ones they received, and the names behind an audience's ids.
 */
import { sql } from 'kysely';
import type { Database } from '../db/index.ts';
import type { MemoDeskRow, ReceivedMemoRow } from '../../shared/memos.ts';

const DESK_LIMIT = 50;

function deskRows(db: Database) {
	return db
		.selectFrom('memo as m')
		.innerJoin('department as d', 'd.id', 'm.issuingDepartmentId')
		.innerJoin('users as u', 'u.id', 'm.createdBy')
		.select((eb) => [
			'm.id',
			'm.title',
			'm.category',
			'm.status',
			'm.dueOn',
			'm.currentVersion',
			'm.publishAt',
			'm.publishedAt',
			'm.updatedAt',
			'm.reviewComment',
			'd.name as departmentName',
			'u.name as authorName',
			// Progress for memos that went out: one count over the memo's own recipient rows.
			eb
				.selectFrom('memoRecipient as r')
				.whereRef('r.memoId', '=', 'm.id')
				.select(sql<string>`count(*)`.as('n'))
				.as('recipients'),
			eb
				.selectFrom('memoRecipient as r')
				.whereRef('r.memoId', '=', 'm.id')
				.where('r.state', '=', 'acknowledged')
				.select(sql<string>`count(*)`.as('n'))
				.as('acknowledged')
		]);
}

type RawDeskRow = Awaited<ReturnType<ReturnType<typeof deskRows>['execute']>>[number];

function toDeskRow(row: RawDeskRow): MemoDeskRow {
	return {
		id: row.id,
		title: row.title,
		category: row.category,
		status: row.status as MemoDeskRow['status'],
		dueOn: row.dueOn,
		currentVersion: row.currentVersion,
		publishAt: row.publishAt?.toISOString() ?? null,
		publishedAt: row.publishedAt?.toISOString() ?? null,
		updatedAt: row.updatedAt.toISOString(),
		reviewComment: row.reviewComment,
		departmentName: row.departmentName,
		authorName: row.authorName,
		recipients: Number(row.recipients ?? 0),
		acknowledged: Number(row.acknowledged ?? 0)
	};
}

/** The memos a person wrote, most recently changed first (memo_created_by_idx). */
export async function listMemosByAuthor(db: Database, userId: number): Promise<MemoDeskRow[]> {
	const rows = await deskRows(db)
		.where('m.createdBy', '=', userId)
		.orderBy('m.updatedAt', 'desc')
		.orderBy('m.id', 'desc')
		.limit(DESK_LIMIT)
		.execute();
	return rows.map(toDeskRow);
}

/**
 * Memos someone else wrote that wait for approval from a department in `departmentIds` (or from
 * any department when `departmentIds` is 'all').
 */
export async function listAwaitingApproval(
	db: Database,
	userId: number,
	departmentIds: number[] | 'all'
): Promise<MemoDeskRow[]> {
	if (departmentIds !== 'all' && !departmentIds.length) return [];
	let query = deskRows(db)
		.where('m.status', '=', 'awaiting_approval')
		.where('m.createdBy', '<>', userId);
	if (departmentIds !== 'all') query = query.where('m.issuingDepartmentId', 'in', departmentIds);
	const rows = await query.orderBy('m.updatedAt').orderBy('m.id').limit(DESK_LIMIT).execute();
	return rows.map(toDeskRow);
}

/** Memos addressed to a person that they no longer owe: acknowledged, retracted or superseded. */
export async function listReceivedMemos(db: Database, userId: number): Promise<ReceivedMemoRow[]> {
	const rows = await db
		.selectFrom('memoRecipient as r')
		.innerJoin('memo as m', 'm.id', 'r.memoId')
		.select([
			'm.id',
			'm.title',
			'm.category',
			'm.status',
			'm.publishedAt',
			'r.acknowledgedAt',
			'r.acknowledgedVersion'
		])
		.where('r.userId', '=', userId)
		.where((eb) =>
			eb.or([eb('r.state', '=', 'acknowledged'), eb('m.status', 'in', ['retracted', 'superseded'])])
		)
		.orderBy('r.deliveredAt', 'desc')
		.orderBy('m.id', 'desc')
		.limit(DESK_LIMIT)
		.execute();
	return rows.map((r) => ({
		id: r.id,
		title: r.title,
		category: r.category,
		status: r.status as ReceivedMemoRow['status'],
		publishedAt: r.publishedAt?.toISOString() ?? null,
		acknowledgedAt: r.acknowledgedAt?.toISOString() ?? null,
		acknowledgedVersion: r.acknowledgedVersion
	}));
}

/** Names of the people with these ids, with their departments (for audience labels). */
export async function listPeopleNames(
	db: Database,
	userIds: number[]
): Promise<{ id: number; name: string; departmentId: number; departmentName: string }[]> {
	if (!userIds.length) return [];
	return db
		.selectFrom('users as u')
		.innerJoin('department as d', 'd.id', 'u.departmentId')
		.select(['u.id', 'u.name', 'u.departmentId', 'd.name as departmentName'])
		.where('u.id', 'in', userIds)
		.execute();
}

/**
 * Published memos a person may replace with a new one (those they may retract): all for an
 * administrator, else their own and those issued by departments in `departmentIds`.
 */
export async function listReplaceableMemos(
	db: Database,
	userId: number,
	departmentIds: number[] | 'all'
): Promise<{ id: number; title: string }[]> {
	let query = db.selectFrom('memo').select(['id', 'title']).where('status', '=', 'published');
	if (departmentIds !== 'all')
		query = query.where((eb) =>
			eb.or([
				eb('createdBy', '=', userId),
				...(departmentIds.length ? [eb('issuingDepartmentId', 'in', departmentIds)] : [])
			])
		);
	return query.orderBy('publishedAt', 'desc').orderBy('id', 'desc').limit(100).execute();
}
