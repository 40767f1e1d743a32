/**
 * Knowledge page revisions in SQL: append-only, numbered per page.
 */
import type { Database } from '../db/index.ts';

export type RevisionRow = {
	number: number;
	title: string;
	bodySource: string;
	bodyHtml: string;
	summary: string;
	authorId: number;
	authorName: string;
	createdAt: Date;
	restoredFrom: number | null;
};

export async function insertRevision(
	db: Database,
	values: {
		pageId: number;
		number: number;
		title: string;
		bodySource: string;
		bodyHtml: string;
		summary: string;
		authorId: number;
		createdAt: Date;
		restoredFrom?: number | null;
	}
): Promise<void> {
	await db.insertInto('kbPageRevision').values(values).execute();
}

const revisionColumns = [
	'kbPageRevision.number',
	'kbPageRevision.title',
	'kbPageRevision.bodySource',
	'kbPageRevision.bodyHtml',
	'kbPageRevision.summary',
	'kbPageRevision.authorId',
	'users.name as authorName',
	'kbPageRevision.createdAt',
	'kbPageRevision.restoredFrom'
] as const;

/** Revision numbers are PostgreSQL integers. */
const MAX_REVISION = 2_147_483_647;

export async function getRevision(
	db: Database,
	pageId: number,
	number: number
): Promise<RevisionRow | undefined> {
	// The column is an integer: a number beyond it (a URL's 16 digits) names no revision, and
	// PostgreSQL would refuse the comparison with an error rather than find nothing.
	if (!Number.isSafeInteger(number) || number > MAX_REVISION || number < 1) return undefined;
	return db
		.selectFrom('kbPageRevision')
		.innerJoin('users', 'users.id', 'kbPageRevision.authorId')
		.where('kbPageRevision.pageId', '=', pageId)
		.where('kbPageRevision.number', '=', number)
		.select(revisionColumns)
		.executeTakeFirst();
}

/** A page's revisions newest first, by keyset on the number. */
export async function listRevisions(
	db: Database,
	pageId: number,
	input: { before?: number; limit: number }
): Promise<Omit<RevisionRow, 'bodySource' | 'bodyHtml'>[]> {
	let query = db
		.selectFrom('kbPageRevision')
		.innerJoin('users', 'users.id', 'kbPageRevision.authorId')
		.where('kbPageRevision.pageId', '=', pageId)
		.select([
			'kbPageRevision.number',
			'kbPageRevision.title',
			'kbPageRevision.summary',
			'kbPageRevision.authorId',
			'users.name as authorName',
			'kbPageRevision.createdAt',
			'kbPageRevision.restoredFrom'
		])
		.orderBy('kbPageRevision.number', 'desc')
		.limit(input.limit);
	// Every revision is before a number beyond the integer column (which could not hold it).
	if (input.before && input.before <= MAX_REVISION)
		query = query.where('kbPageRevision.number', '<', input.before);
	return query.execute();
}
