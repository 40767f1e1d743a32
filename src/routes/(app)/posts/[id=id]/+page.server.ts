import { error, fail, isRedirect, redirect, type RequestEvent } from '@sveltejs/kit';
import { z } from 'zod';
import { requestContext } from '$lib/server/context';
import { NotFoundError } from '$lib/server/errors';
import { addComment, deleteComment, listComments } from '$lib/server/feeds/comment.service';
import { getPostView } from '$lib/server/feeds/feed.service';
import {
	deletePost,
	editPost,
	listPostReactors,
	setPinned,
	toggleReaction
} from '$lib/server/feeds/post.service';
import { failForm, safeReturnTo } from '$lib/server/http';
import { formToObject, parseInput } from '$lib/server/validation';
import { commentInputSchema, postEditSchema, reactionKindSchema } from '$lib/shared/schemas/feeds';

export async function load(event) {
	const ctx = requestContext(event);
	const postId = Number(event.params.id);
	try {
		const [post, comments, reactors] = await Promise.all([
			getPostView(ctx, postId),
			listComments(ctx, postId),
			listPostReactors(ctx, postId)
		]);
		return { post, comments, reactors, editing: event.url.searchParams.get('edit') === '1' };
	} catch (e) {
		if (e instanceof NotFoundError) error(404, e.message);
		throw e;
	}
}

/**
 * Runs one action. Posted from another page without JavaScript (a `returnTo` field, no
 * x-sveltekit-action header), a success goes back there; otherwise the page shows the result.
 */
async function act(
	event: RequestEvent,
	run: (values: Record<string, string | string[]>) => Promise<Record<string, unknown> | void>,
	keep: (values: Record<string, string | string[]>) => Record<string, unknown> = () => ({})
) {
	const values = formToObject(await event.request.formData());
	try {
		const result = (await run(values)) ?? {};
		const enhanced = event.request.headers.get('x-sveltekit-action') === 'true';
		if (!enhanced && values.returnTo)
			redirect(303, safeReturnTo(values.returnTo, `/posts/${event.params.id}`));
		return result;
	} catch (e) {
		if (isRedirect(e)) throw e;
		if (e instanceof NotFoundError)
			return fail(404, { message: e.message, fields: {}, values: {} });
		return failForm(e, keep(values));
	}
}

const commentIdSchema = z.object({ commentId: z.coerce.number().int().positive() });

export const actions = {
	react: (event) =>
		act(event, async (values) => {
			const kind = parseInput(reactionKindSchema, values.kind);
			await toggleReaction(requestContext(event), Number(event.params.id), kind);
		}),
	comment: (event) =>
		act(
			event,
			async (values) => {
				const input = parseInput(commentInputSchema, values);
				const comment = await addComment(requestContext(event), Number(event.params.id), input);
				return { commented: comment.id };
			},
			(values) => ({ commentBody: values.body, parentId: values.parentId })
		),
	deleteComment: (event) =>
		act(event, async (values) => {
			const { commentId } = parseInput(commentIdSchema, values);
			await deleteComment(requestContext(event), commentId);
			return { message: 'Comment deleted.' };
		}),
	edit: (event) =>
		act(
			event,
			async (values) => {
				const input = parseInput(postEditSchema, values);
				await editPost(requestContext(event), Number(event.params.id), input);
				return { message: 'Post updated.' };
			},
			(values) => ({ body: values.body })
		),
	delete: async (event) => {
		const result = await act(event, async () => {
			await deletePost(requestContext(event), Number(event.params.id));
		});
		// The post is gone: its own page cannot show it, so go back to the feed either way.
		if (!('status' in result)) redirect(303, '/feed?deleted=1');
		return result;
	},
	pin: (event) =>
		act(event, async () => {
			await setPinned(requestContext(event), Number(event.params.id), true);
			return { message: 'Pinned to the top of the department’s feed.' };
		}),
	unpin: (event) =>
		act(event, async () => {
			await setPinned(requestContext(event), Number(event.params.id), false);
			return { message: 'Unpinned.' };
		})
};
