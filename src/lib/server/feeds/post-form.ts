/**
 * The composer's form action, shared by the feed and department pages: with JavaScript the files
 * were uploaded already and arrive as attachment ids; without it they arrive in the form itself
 * and are uploaded here first.
 */
import type { RequestEvent } from '@sveltejs/kit';
import { requestContext } from '../context.ts';
import { uploadAttachment } from '../files/attachment.service.ts';
import { failForm } from '../http.ts';
import { formToObject, parseInput } from '../validation.ts';
import { postInputSchema } from '../../shared/schemas/feeds.ts';
import { createPost } from './post.service.ts';

export async function publishFromForm(event: RequestEvent) {
	const form = await event.request.formData();
	const values = formToObject(form, ['attachmentIds']);
	const ctx = requestContext(event);
	try {
		const input = parseInput(postInputSchema, values);
		const files = form.getAll('files').filter((f): f is File => f instanceof File && f.size > 0);
		for (const file of files) {
			const uploaded = await uploadAttachment(ctx, {
				fileName: file.name,
				bytes: new Uint8Array(await file.arrayBuffer())
			});
			input.attachmentIds.push(uploaded.id);
		}
		const post = await createPost(ctx, input);
		return { posted: post.id };
	} catch (error) {
		return failForm(error, { body: values.body, audience: values.audience });
	}
}
