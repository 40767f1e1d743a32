/**
 * Uploading files from the browser: POST /files is the one upload endpoint, for posts and pages
 * alike. The files are stored unattached; the post or page that links them claims them on save.
 */
import type { AttachmentView } from '$lib/shared/feeds';

export type UploadResult =
	{ ok: true; attachments: AttachmentView[] } | { ok: false; message: string };

export async function uploadFiles(files: Iterable<File>): Promise<UploadResult> {
	const form = new FormData();
	for (const file of files) form.append('file', file);
	try {
		const response = await fetch('/files', {
			method: 'POST',
			body: form,
			headers: { accept: 'application/json' }
		});
		const result = (await response.json().catch(() => ({}))) as {
			attachments?: AttachmentView[];
			error?: { message?: string };
		};
		if (!response.ok || !result.attachments)
			return { ok: false, message: result.error?.message ?? 'The upload failed. Try again.' };
		return { ok: true, attachments: result.attachments };
	} catch {
		return { ok: false, message: 'The upload failed: check your connection and try again.' };
	}
}
