/**
 * Uploading and serving files attached to posts. A file is uploaded first (unattached, visible to
 * its uploader only), then attached when the post is published; from then on it is served only to
 * people who may see that post.
 */
import { createHash } from 'node:crypto';
import type { RequestContext } from '../context.ts';
import { db, type Database } from '../db/index.ts';
import { BusyError, NotFoundError, UnauthorizedError, ValidationError } from '../errors.ts';
import { logger } from '../log.ts';
import type { AttachmentView } from '../../shared/feeds.ts';
import { detectFileType } from './content-type.ts';
import {
	deleteUnattachedBefore,
	deleteUnattachedByIds,
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

/** A too-large file's size: "12.3 MB", or "just over 10 MB" where one decimal would say 10.0. */
function oversize(bytes: number): string {
	const megabytes = bytes / 1024 / 1024;
	return megabytes < 10.05 ? 'just over 10 MB' : `${megabytes.toFixed(1)} MB`;
}

/**
 * Stores one uploaded file for the signed-in person, unattached until a post claims it (see
 * `attachFiles`). Any signed-in person may upload. Throws UnauthorizedError without an actor,
 * ValidationError when the file is empty, larger than 10 MB or not an allowed type (decided from
 * its content, never its name), BusyError when the storage cannot take the bytes (a full disk).
 */
export async function uploadAttachment(
	ctx: RequestContext,
	input: { fileName: string; bytes: Uint8Array }
): Promise<AttachmentView> {
	if (!ctx.actor) throw new UnauthorizedError('Sign in first.');
	const fileName = cleanFileName(input.fileName);
	if (input.bytes.byteLength === 0)
		throw new ValidationError(`“${fileName}” is empty.`, { attachments: 'Choose another file.' });
	if (input.bytes.byteLength > MAX_FILE_BYTES) {
		// The field's message is the whole reason: without JavaScript it is the one shown.
		const message = `“${fileName}” is ${oversize(input.bytes.byteLength)}; files can be at most 10 MB.`;
		throw new ValidationError(message, { attachments: message });
	}
	const type = await detectFileType(input.bytes, fileName);
	const storageKey = newStorageKey();
	// Bytes first, then the row: a row never points at bytes that are not there. If the insert
	// fails the bytes are removed again; if even that fails, they are only unreferenced bytes.
	try {
		await fileStorage().put(storageKey, input.bytes);
	} catch (error) {
		// A full or failing disk is the server's trouble, not the person's: say so and keep the
		// form, rather than an error page. The store removes what it half wrote (FileStorage.put).
		logger().error({ err: error, storageKey }, 'could not store an upload');
		throw new BusyError(`“${fileName}” could not be stored just now. Please try again later.`);
	}
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
		await removeBytes(storageKey, 'could not remove the bytes of an upload whose row failed');
		throw error;
	}
}

/** Removes stored bytes nothing points at; a failure is logged with the key, never thrown. */
async function removeBytes(storageKey: string, message: string): Promise<void> {
	try {
		await fileStorage().delete(storageKey);
	} catch (error) {
		logger().warn({ err: error, storageKey }, message);
	}
}

/**
 * Stores several files for one request, all or none: when one fails (refused, storage full, the
 * database down), those already stored by this call are removed again, rows and bytes, before
 * the error is thrown, so a failed request leaves nothing behind. Same rules and errors as
 * `uploadAttachment`.
 */
export async function uploadAttachments(
	ctx: RequestContext,
	files: { fileName: string; bytes: Uint8Array }[]
): Promise<AttachmentView[]> {
	const stored: AttachmentView[] = [];
	try {
		for (const file of files) stored.push(await uploadAttachment(ctx, file));
		return stored;
	} catch (error) {
		await discardUploads(
			ctx,
			stored.map((a) => a.id)
		);
		throw error;
	}
}

/**
 * Removes uploads of the signed-in person that nothing claimed yet (a request that stored them
 * failed later), rows first and then their bytes. Files already attached are left alone. If the
 * database cannot be reached, the rows stay for housekeeping's round (`deleteAbandonedUploads`).
 */
export async function discardUploads(ctx: RequestContext, ids: number[]): Promise<void> {
	if (!ctx.actor || !ids.length) return;
	let keys: string[];
	try {
		keys = await deleteUnattachedByIds(db(), ids, ctx.actor.id);
	} catch (error) {
		logger().warn(
			{ err: error, attachmentIds: ids },
			'could not discard uploads; housekeeping will'
		);
		return;
	}
	for (const key of keys) await removeBytes(key, 'could not remove a discarded upload');
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
