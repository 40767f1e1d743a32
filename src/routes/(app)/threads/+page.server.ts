import { error, redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { requestContext } from '$lib/server/context';
import { NotFoundError } from '$lib/server/errors';
import { failForm } from '$lib/server/http';
import {
	listMyThreads,
	listThreadHomes,
	listThreads,
	openPostThread,
	startThread
} from '$lib/server/threads/thread.service';
import { formToObject, parseInput } from '$lib/server/validation';
import { threadInputSchema, threadListQuerySchema } from '$lib/shared/schemas/threads';

export async function load(event) {
	const ctx = requestContext(event);
	const parsed = threadListQuerySchema.safeParse(Object.fromEntries(event.url.searchParams));
	const home = parsed.success ? parsed.data.home : 'mine';
	try {
		const [mine, homes, browsing] = await Promise.all([
			listMyThreads(ctx),
			listThreadHomes(ctx),
			home === 'mine'
				? Promise.resolve(null)
				: listThreads(ctx, home === 'organisation' ? null : home)
		]);
		return { home: String(home), mine, homes, browsing };
	} catch (e) {
		if (e instanceof NotFoundError) error(404, e.message);
		throw e;
	}
}

export const actions = {
	start: async (event) => {
		const values = formToObject(await event.request.formData());
		let threadId: number;
		try {
			threadId = (await startThread(requestContext(event), parseInput(threadInputSchema, values)))
				.id;
		} catch (e) {
			return failForm(e, values);
		}
		redirect(303, `/threads/${threadId}`);
	},
	/** "Discuss" on a post: opens (or creates) its thread. */
	discuss: async (event) => {
		const values = formToObject(await event.request.formData());
		let threadId: number;
		try {
			const { postId } = parseInput(
				z.object({ postId: z.coerce.number().int().positive() }),
				values
			);
			threadId = (await openPostThread(requestContext(event), postId)).id;
		} catch (e) {
			if (e instanceof NotFoundError) error(404, e.message);
			return failForm(e, values);
		}
		redirect(303, `/threads/${threadId}`);
	}
};
