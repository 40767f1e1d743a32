import { error } from '@sveltejs/kit';
import { requestContext } from '$lib/server/context';
import { NotFoundError } from '$lib/server/errors';
import { listRecentPostsBy } from '$lib/server/feeds/feed.service';
import { getFollows, setPersonFollow } from '$lib/server/feeds/follow.service';
import { failForm } from '$lib/server/http';
import { getProfile } from '$lib/server/org/profile.service';
import type { PostView } from '$lib/shared/feeds';
import type { RequestEvent } from './$types';

const EXCERPT_LENGTH = 220;
const ENTITIES: Record<string, string> = {
	'&amp;': '&',
	'&lt;': '<',
	'&gt;': '>',
	'&quot;': '"',
	'&#39;': "'",
	'&#x27;': "'",
	'&nbsp;': ' '
};

/** The start of a post as plain text (rendered as text, never as HTML) for a compact list. */
function excerptOf(post: PostView): string {
	const text = post.bodyHtml
		.replace(/<\/(p|li|h\d|blockquote|pre|tr)>/gi, ' ')
		.replace(/<br\s*\/?>/gi, ' ')
		.replace(/<[^>]*>/g, '')
		.replace(/&(amp|lt|gt|quot|nbsp|#39|#x27);/g, (entity) => ENTITIES[entity] ?? entity)
		.replace(/\s+/g, ' ')
		.trim();
	return text.length > EXCERPT_LENGTH ? `${text.slice(0, EXCERPT_LENGTH - 1).trimEnd()}…` : text;
}

export async function load(event) {
	const ctx = requestContext(event);
	const personId = Number(event.params.id);
	try {
		const profile = await getProfile(ctx, personId);
		const [recentPosts, follows] = await Promise.all([
			listRecentPostsBy(ctx, personId, 5),
			getFollows(ctx)
		]);
		return {
			...profile,
			isSelf: event.locals.actor?.id === personId,
			following: follows.personIds.includes(personId),
			recentPosts: recentPosts.map((post) => ({
				id: post.id,
				createdAt: post.createdAt,
				department: post.department,
				isAnnouncement: post.isAnnouncement,
				excerpt: excerptOf(post),
				commentCount: post.commentCount,
				reactionCount: post.reactions.reduce((sum, r) => sum + r.count, 0)
			}))
		};
	} catch (e) {
		if (e instanceof NotFoundError) error(404, e.message);
		throw e;
	}
}

async function follow(event: RequestEvent, on: boolean) {
	try {
		await setPersonFollow(requestContext(event), Number(event.params.id), on);
		return {
			following: on,
			message: on
				? 'You follow them now: their posts appear in your feed.'
				: 'You no longer follow them.'
		};
	} catch (e) {
		return failForm(e, {});
	}
}

export const actions = {
	follow: (event) => follow(event, true),
	unfollow: (event) => follow(event, false)
};
