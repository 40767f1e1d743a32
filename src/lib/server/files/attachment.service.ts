/**
 * Uploading and serving files attached to posts. A file is uploaded first (unattached, visible to
 * its uploader only), then attached when the post is published; from then on it is served only to
 * people who may see that post.
 */
import { createHash } from 'node:crypto';
import type { RequestContext } from '../context.ts';
import { db, type Database } from '../db/index.ts';
import { NotFoundError, UnauthorizedError, ValidationError } from '../errors.ts';
import type { AttachmentView } from '../../shared/feeds.ts';
import { detectFileType } from './content-type.ts';
import {
	deleteUnattachedBefore,
	getAttachment,
	insertAttachment,
	toAttachmentView
} from './attachment.repository.ts';
import { fileStorage, newStorageKey } from './storage.ts';

export const MAX_FILE_BYTES = 10 * 1024 * 1024;

/** A file name safe to show and to send back in Content-Disposition. */
export function cleanFileName(name: string): string {
	const base = name.split(/[\\/]/).pop() ?? '';
	// Control characters and quotes would break the Content-Disposition header.
	const cleaned = [...base]
		.filter((c) => c >= ' ' && c !== '\u007f' && c !== '"')
		.join('')
		.trim()
		.slice(0, 255);
	return cleaned || 'file';
}

function megabytes(bytes: number): string {
	return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/**
 * Stores one uploaded file for the signed-in person. Throws ValidationError when it is empty,
 * larger than 10 MB or not an allowed type (decided from its content).
 */
export async function uploadAttachment(
	ctx: RequestContext,
	input: { fileName: string; bytes: Uint8Array }
): Promise<AttachmentView> {
	if (!ctx.actor) throw new UnauthorizedError('Sign in first.');
	const fileName = cleanFileName(input.fileName);
	if (input.bytes.byteLength === 0)
		throw new ValidationError(`“${fileName}” is empty.`, { attachments: 'Choose another file.' });
	if (input.bytes.byteLength > MAX_FILE_BYTES)
		throw new ValidationError(
			`“${fileName}” is ${megabytes(input.bytes.byteLength)}; files can be at most 10 MB.`,
			{ attachments: 'Choose a smaller file.' }
		);
	const type = await detectFileType(input.bytes, fileName);
	const storageKey = newStorageKey();
	await fileStorage().put(storageKey, input.bytes);
	const row = await insertAttachment(db(), {
		uploaderId: ctx.actor.id,
		storageKey,
		fileName,
		contentType: type.mime,
		byteSize: input.bytes.byteLength,
		width: type.width,
		height: type.height,
		sha256: createHash('sha256').update(input.bytes).digest('hex')
	});
	return toAttachmentView(row);
}

export type OpenedAttachment = {
	bytes: Uint8Array;
	contentType: string;
	fileName: string;
	isImage: boolean;
	sha256: string;
};

/**
 * The file's bytes, for someone who may see it: its uploader while it is unattached, afterwards
 * whoever `canSeePost` allows. NotFoundError otherwise (a file you may not see does not exist).
 */
export async function openAttachment(
	ctx: RequestContext,
	id: number,
	canSeePost: (postId: number) => Promise<boolean>
): Promise<OpenedAttachment> {
	if (!ctx.actor) throw new UnauthorizedError('Sign in first.');
	const row = await getAttachment(db(), id);
	const allowed =
		row && (row.postId === null ? row.uploaderId === ctx.actor.id : await canSeePost(row.postId));
	if (!row || !allowed) throw new NotFoundError('That file does not exist or has been removed.');
	const bytes = await fileStorage().get(row.storageKey);
	if (!bytes) throw new NotFoundError('That file is no longer stored.');
	return {
		bytes,
		contentType: row.contentType,
		fileName: row.fileName,
		isImage: row.contentType.startsWith('image/'),
		sha256: row.sha256
	};
}

/** Housekeeping: uploads never attached to a post within a day are removed, rows and bytes. */
export async function deleteAbandonedUploads(database: Database, now: Date): Promise<number> {
	const keys = await deleteUnattachedBefore(database, new Date(now.getTime() - 24 * 3_600_000));
	for (const key of keys) await fileStorage().delete(key);
	return keys.length;
}
