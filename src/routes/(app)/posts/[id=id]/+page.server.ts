import { error, isRedirect, redirect, type RequestEvent } from '@sveltejs/kit';
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
		if (!(e instanceof NotFoundError)) throw e;
		// A form posted here after the post was deleted: show the action's message (and the text
		// the person typed) instead of a bare 404, so nothing they wrote is lost.
		if (event.request.method === 'POST')
			return { post: null, comments: [], reactors: [], editing: false };
		error(404, e.message);
	}
}

type Values = Record<string, string | string[]>;

/**
 * Runs one action. A plain form post (no JavaScript: no x-sveltekit-action header) carrying a
 * safe `returnTo` goes back there on success, so the feed's forms work without JavaScript;
 * otherwise the page shows the result. Domain errors become form failures keeping `keep(values)`.
 */
async function act<R extends object>(
	event: RequestEvent,
	form: string,
	run: (values: Values) => Promise<R | void>,
	keep: (values: Values) => Record<string, unknown> = () => ({})
) {
	const values = formToObject(await event.request.formData());
	try {
		const data = (await run(values)) ?? ({} as R);
		const result = { form, ...data };
		const enhanced = event.request.headers.get('x-sveltekit-action') === 'true';
		if (!enhanced && values.returnTo) {
			let target = safeReturnTo(values.returnTo, `/posts/${event.params.id}`);
			const commented = (data as { commented?: unknown }).commented;
			if (typeof commented === 'number' && !target.includes('#')) target += `#comment-${commented}`;
			redirect(303, target);
		}
		return result;
	} catch (e) {
		if (isRedirect(e)) throw e;
		return failForm(e, { form, ...keep(values) });
	}
}

const postIdOf = (event: RequestEvent) => Number(event.params.id);
const commentIdSchema = z.object({
	commentId: z.coerce.number({ error: 'Choose a comment.' }).int().positive('Choose a comment.')
});

export const actions = {
	react: (event) =>
		act(event, 'react', async (values) => {
			const kind = parseInput(reactionKindSchema, values.kind);
			const on = await toggleReaction(requestContext(event), postIdOf(event), kind);
			return { kind, on };
		}),
	comment: (event) =>
		act(
			event,
			'comment',
			async (values) => {
				const input = parseInput(commentInputSchema, values);
				const comment = await addComment(requestContext(event), postIdOf(event), input);
				return { commented: comment.id, parentId: input.parentId ?? null };
			},
			(values) => ({ body: values.body, parentId: values.parentId ?? '' })
		),
	deleteComment: (event) =>
		act(
			event,
			'deleteComment',
			async (values) => {
				const { commentId } = parseInput(commentIdSchema, values);
				await deleteComment(requestContext(event), commentId);
				return { commentId, message: 'Comment deleted.' };
			},
			(values) => ({ commentId: values.commentId })
		),
	edit: (event) =>
		act(
			event,
			'edit',
			async (values) => {
				const input = parseInput(postEditSchema, values);
				await editPost(requestContext(event), postIdOf(event), input);
				return { message: 'Post updated. The earlier version is kept in its history.' };
			},
			(values) => ({ body: values.body })
		),
	delete: async (event) => {
		const result = await act(event, 'delete', async () => {
			await deletePost(requestContext(event), postIdOf(event));
		});
		// The post is gone, so its own page cannot show it: go to the feed, which says so.
		if (!('status' in result)) redirect(303, '/feed?deleted=1');
		return result;
	},
	pin: (event) =>
		act(event, 'pin', async () => {
			await setPinned(requestContext(event), postIdOf(event), true);
			return { message: 'Pinned to the top of the department’s feed.' };
		}),
	unpin: (event) =>
		act(event, 'unpin', async () => {
			await setPinned(requestContext(event), postIdOf(event), false);
			return { message: 'Unpinned.' };
		})
};
