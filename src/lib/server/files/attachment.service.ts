/**
 * Uploading and serving files attached to posts. A file is uploaded first (unattached, visible to
 * its uploader only), then attached when the post is published; from then on it is served only to
 * people who may see that post.
 */
import { createHash } from 'node:crypto';
import type { RequestContext } from '../context.ts';
import { db, type Database } from '../db/index.ts';
import { NotFoundError, UnauthorizedError, ValidationError } from '../errors.ts';
import { logger } from '../log.ts';
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
 * Stores one uploaded file for the signed-in person, unattached until a post claims it (see
 * `attachFiles`). Any signed-in person may upload. Throws UnauthorizedError without an actor,
 * ValidationError when the file is empty, larger than 10 MB or not an allowed type (decided from
 * its content, never its name).
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
	// Bytes first, then the row: a row never points at bytes that are not there. If the insert
	// fails the bytes are removed again; if even that fails, they are only unreferenced bytes.
	await fileStorage().put(storageKey, input.bytes);
	try {
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
	} catch (error) {
		await fileStorage()
			.delete(storageKey)
			.catch(() => undefined);
		throw error;
	}
}

export type OpenedAttachment = {
	bytes: Uint8Array;
	contentType: string;
	fileName: string;
	isImage: boolean;
	sha256: string;
};

/** Whether the actor may see what holds a file: callbacks, so files depend on no domain. */
export type FileHolderChecks = {
	post: (postId: number) => Promise<boolean>;
	page: (pageId: number) => Promise<boolean>;
	memo: (memoId: number) => Promise<boolean>;
};

/**
 * The file's bytes, for someone who may see it: its uploader while it is unattached, afterwards
 * whoever may see the post or page holding it (`canSee`).
 * Throws UnauthorizedError without an actor and NotFoundError otherwise: a file you may not see
 * does not exist, so ids cannot be probed.
 */
export async function openAttachment(
	ctx: RequestContext,
	id: number,
	canSee: FileHolderChecks
): Promise<OpenedAttachment> {
	if (!ctx.actor) throw new UnauthorizedError('Sign in first.');
	const row = await getAttachment(db(), id);
	const allowed =
		row &&
		(row.postId !== null
			? await canSee.post(row.postId)
			: row.pageId !== null
				? await canSee.page(row.pageId)
				: row.memoId !== null
					? await canSee.memo(row.memoId)
					: row.uploaderId === ctx.actor.id);
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

/**
 * Housekeeping, for the system only: removes uploads created before `olderThan` that no post
 * claimed, rows first and then their bytes. Returns how many rows went. Bytes that cannot be
 * removed are logged and left behind: harmless, as nothing points at them any more.
 */
export async function deleteUnattachedAttachments(
	database: Database,
	olderThan: Date
): Promise<number> {
	const keys = await deleteUnattachedBefore(database, olderThan);
	for (const key of keys) {
		try {
			await fileStorage().delete(key);
		} catch (error) {
			logger().warn({ err: error, storageKey: key }, 'could not remove an abandoned upload');
		}
	}
	return keys.length;
}

/** Uploads left unattached this long are abandoned: the person gave up on the post. */
const ABANDONED_AFTER_MS = 24 * 3_600_000;

/** Housekeeping's hourly round: uploads never attached to a post within a day are removed. */
export async function deleteAbandonedUploads(database: Database, now: Date): Promise<number> {
	return deleteUnattachedAttachments(database, new Date(now.getTime() - ABANDONED_AFTER_MS));
}
