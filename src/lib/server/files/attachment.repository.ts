/**
 * The only code that reads and writes the attachment table. Functions take `db` (or a
 * transaction) first so callers decide the transaction.
 */
import type { Database } from '../db/index.ts';
import type { AttachmentView } from '../../shared/feeds.ts';

export type AttachmentRow = {
	id: number;
	uploaderId: number;
	postId: number | null;
	pageId: number | null;
	memoId: number | null;
	storageKey: string;
	fileName: string;
	contentType: string;
	byteSize: number;
	width: number | null;
	height: number | null;
	sha256: string;
	createdAt: Date;
};

const columns = [
	'id',
	'uploaderId',
	'postId',
	'pageId',
	'memoId',
	'storageKey',
	'fileName',
	'contentType',
	'byteSize',
	'width',
	'height',
	'sha256',
	'createdAt'
] as const;

/** The DTO the UI and the API show; the url carries the name so downloads keep it. */
export function toAttachmentView(
	row: Pick<AttachmentRow, 'id' | 'fileName' | 'contentType' | 'byteSize' | 'width' | 'height'>
): AttachmentView {
	return {
		id: row.id,
		fileName: row.fileName,
		contentType: row.contentType,
		byteSize: row.byteSize,
		width: row.width,
		height: row.height,
		isImage: row.contentType.startsWith('image/'),
		url: `/files/${row.id}/${encodeURIComponent(row.fileName)}`
	};
}

export async function insertAttachment(
	db: Database,
	values: Omit<AttachmentRow, 'id' | 'postId' | 'pageId' | 'memoId' | 'createdAt'>
): Promise<AttachmentRow> {
	return db.insertInto('attachment').values(values).returning(columns).executeTakeFirstOrThrow();
}

export async function getAttachment(db: Database, id: number): Promise<AttachmentRow | undefined> {
	return db.selectFrom('attachment').where('id', '=', id).select(columns).executeTakeFirst();
}

/**
 * The attachments of many posts in one query (feeds show a page of posts at once), oldest first
 * within a post. Every asked-for post is in the map, with an empty list when it has none.
 */
export async function listAttachmentsForPosts(
	db: Database,
	postIds: number[]
): Promise<Map<number, AttachmentView[]>> {
	const byPost = new Map<number, AttachmentView[]>(postIds.map((id) => [id, []]));
	if (!postIds.length) return byPost;
	const rows = await db
		.selectFrom('attachment')
		.where('postId', 'in', [...new Set(postIds)])
		.select(['id', 'postId', 'fileName', 'contentType', 'byteSize', 'width', 'height'])
		.orderBy('postId')
		.orderBy('id')
		.execute();
	for (const row of rows) byPost.get(row.postId!)?.push(toAttachmentView(row));
	return byPost;
}

/** What holds a file: a post, a page or a memo. */
export type FileHolder = { postId: number } | { pageId: number } | { memoId: number };

/**
 * Attaches the uploader's own unattached files to a post, page or memo, in the caller's
 * transaction. Files already attached (to it or anything else) stay where they are, and they stay
 * for good: a post's, page's or memo's text links to them. Returns how many it attached: fewer
 * than asked means some were someone else's, used, or gone.
 */
export async function attachFiles(
	db: Database,
	holder: FileHolder,
	input: { attachmentIds: number[]; uploaderId: number }
): Promise<number> {
	if (!input.attachmentIds.length) return 0;
	const result = await db
		.updateTable('attachment')
		.set(holder)
		.where('id', 'in', [...new Set(input.attachmentIds)])
		.where('uploaderId', '=', input.uploaderId)
		.where('postId', 'is', null)
		.where('pageId', 'is', null)
		.where('memoId', 'is', null)
		.executeTakeFirst();
	return Number(result.numUpdatedRows);
}

/** Deletes unattached uploads older than `before` and returns their storage keys. */
export async function deleteUnattachedBefore(db: Database, before: Date): Promise<string[]> {
	const rows = await db
		.deleteFrom('attachment')
		.where('postId', 'is', null)
		.where('pageId', 'is', null)
		.where('memoId', 'is', null)
		.where('createdAt', '<', before)
		.returning('storageKey')
		.execute();
	return rows.map((r) => r.storageKey);
}

/** The files a memo holds, oldest first. */
export async function listAttachmentsForMemo(
	db: Database,
	memoId: number
): Promise<AttachmentView[]> {
	const rows = await db
		.selectFrom('attachment')
		.where('memoId', '=', memoId)
		.select(['id', 'fileName', 'contentType', 'byteSize', 'width', 'height'])
		.orderBy('id')
		.execute();
	return rows.map(toAttachmentView);
}

/** The files a page holds, oldest first. */
export async function listAttachmentsForPage(
	db: Database,
	pageId: number
): Promise<AttachmentView[]> {
	const rows = await db
		.selectFrom('attachment')
		.where('pageId', '=', pageId)
		.select(['id', 'fileName', 'contentType', 'byteSize', 'width', 'height'])
		.orderBy('id')
		.execute();
	return rows.map(toAttachmentView);
}

/**
 * Deletes the given uploads of `uploaderId` that nothing claimed yet, and returns their storage
 * keys: undoing the uploads of a request that failed.
 */
export async function deleteUnattachedByIds(
	db: Database,
	ids: number[],
	uploaderId: number
): Promise<string[]> {
	if (!ids.length) return [];
	const rows = await db
		.deleteFrom('attachment')
		.where('id', 'in', ids)
		.where('uploaderId', '=', uploaderId)
		.where('postId', 'is', null)
		.where('pageId', 'is', null)
		.where('memoId', 'is', null)
		.returning('storageKey')
		.execute();
	return rows.map((r) => r.storageKey);
}
