import { json } from '@sveltejs/kit';
import { requestContext } from '$lib/server/context';
import { ValidationError } from '$lib/server/errors';
import { MAX_FILE_BYTES, uploadAttachments } from '$lib/server/files/attachment.service';
import { apiHandler } from '$lib/server/http';
import { MAX_ATTACHMENTS_PER_POST } from '$lib/shared/schemas/feeds';
import type { RequestHandler } from './$types';

/** Uploads one or more files (multipart field `file`) for a post being written. */
export const POST: RequestHandler = apiHandler(async (event) => {
	const length = Number(event.request.headers.get('content-length') ?? 0);
	if (length > MAX_ATTACHMENTS_PER_POST * (MAX_FILE_BYTES + 64 * 1024))
		throw new ValidationError('Upload at most 10 files of 10 MB each.');
	let form: FormData;
	try {
		form = await event.request.formData();
	} catch {
		throw new ValidationError('Send the files as multipart/form-data in the field “file”.');
	}
	const files = form.getAll('file').filter((f): f is File => f instanceof File && f.size > 0);
	if (!files.length) throw new ValidationError('Choose a file to upload.');
	if (files.length > MAX_ATTACHMENTS_PER_POST)
		throw new ValidationError(`Attach at most ${MAX_ATTACHMENTS_PER_POST} files to one post.`);
	const attachments = await uploadAttachments(
		requestContext(event),
		await Promise.all(
			files.map(async (file) => ({
				fileName: file.name,
				bytes: new Uint8Array(await file.arrayBuffer())
			}))
		)
	);
	return json({ attachments }, { status: 201 });
});
