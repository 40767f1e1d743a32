/**
 * The composer's form action, shared by the feed and department pages: with JavaScript the files
 * were uploaded already and arrive as attachment ids; without it they arrive in the form itself
 * and are uploaded here first.
 */
import type { RequestEvent } from '@sveltejs/kit';
import { requestContext } from '../context.ts';
import { discardUploads, uploadAttachments } from '../files/attachment.service.ts';
import { failForm } from '../http.ts';
import { formToObject, parseInput } from '../validation.ts';
import { postInputSchema } from '../../shared/schemas/feeds.ts';
import { createPost } from './post.service.ts';

export async function publishFromForm(event: RequestEvent) {
	const form = await event.request.formData();
	const values = formToObject(form, ['attachmentIds']);
	const ctx = requestContext(event);
	// Files uploaded by this request: if the post is refused, the form comes back without them, so
	// they would only be orphans until housekeeping.
	let uploadedHere: number[] = [];
	try {
		const input = parseInput(postInputSchema, values);
		const files = form.getAll('files').filter((f): f is File => f instanceof File && f.size > 0);
		const uploaded = await uploadAttachments(
			ctx,
			await Promise.all(
				files.map(async (file) => ({
					fileName: file.name,
					bytes: new Uint8Array(await file.arrayBuffer())
				}))
			)
		);
		uploadedHere = uploaded.map((u) => u.id);
		input.attachmentIds.push(...uploadedHere);
		const post = await createPost(ctx, input);
		return { posted: post.id };
	} catch (error) {
		await discardUploads(ctx, uploadedHere);
		return failForm(error, {
			body: values.body,
			audience: values.audience,
			announcement: values.announcement
		});
	}
}
