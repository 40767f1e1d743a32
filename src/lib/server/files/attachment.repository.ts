import type { Database } from '../db/index.ts';
import type { AttachmentView } from '../../shared/feeds.ts';

export type AttachmentRow = {
	id: number;
	uploaderId: number;
	postId: number | null;
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
	'storageKey',
	'fileName',
	'contentType',
	'byteSize',
	'width',
	'height',
	'sha256',
	'createdAt'
] as const;

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
	values: Omit<AttachmentRow, 'id' | 'postId' | 'createdAt'>
): Promise<AttachmentRow> {
	return db.insertInto('attachment').values(values).returning(columns).executeTakeFirstOrThrow();
}

export async function getAttachment(db: Database, id: number): Promise<AttachmentRow | undefined> {
	return db.selectFrom('attachment').where('id', '=', id).select(columns).executeTakeFirst();
}

/**
 * Attaches the uploader's own unattached files to a post, in the caller's transaction. Returns
 * how many it attached: fewer than asked means some were someone else's, used, or gone.
 */
export async function attachToPost(
	db: Database,
	input: { attachmentIds: number[]; uploaderId: number; postId: number }
): Promise<number> {
	if (!input.attachmentIds.length) return 0;
	const result = await db
		.updateTable('attachment')
		.set({ postId: input.postId })
		.where('id', 'in', [...new Set(input.attachmentIds)])
		.where('uploaderId', '=', input.uploaderId)
		.where('postId', 'is', null)
		.executeTakeFirst();
	return Number(result.numUpdatedRows);
}

/** Deletes unattached uploads older than `before` and returns their storage keys. */
export async function deleteUnattachedBefore(db: Database, before: Date): Promise<string[]> {
	const rows = await db
		.deleteFrom('attachment')
		.where('postId', 'is', null)
		.where('createdAt', '<', before)
		.returning('storageKey')
		.execute();
	return rows.map((r) => r.storageKey);
}
