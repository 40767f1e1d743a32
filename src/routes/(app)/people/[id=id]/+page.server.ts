import { error } from '@sveltejs/kit';
import { requestContext } from '$lib/server/context';
import { NotFoundError } from '$lib/server/errors';
import { listRecentPostsBy } from '$lib/server/feeds/feed.service';
import { getFollows, setPersonFollow } from '$lib/server/feeds/follow.service';
import { failForm } from '$lib/server/http';
import { getProfile } from '$lib/server/org/profile.service';
import type { RequestEvent } from './$types';

export async function load(event) {
	const ctx = requestContext(event);
	const personId = Number(event.params.id);
	try {
		const profile = await getProfile(ctx, personId);
		const [recentPosts, follows] = await Promise.all([
			listRecentPostsBy(ctx, personId, 5),
			getFollows(ctx)
		]);
		return { ...profile, recentPosts, following: follows.personIds.includes(personId) };
	} catch (e) {
		if (e instanceof NotFoundError) error(404, e.message);
		throw e;
	}
}

async function follow(event: RequestEvent, on: boolean) {
	try {
		await setPersonFollow(requestContext(event), Number(event.params.id), on);
		return {
			message: on
				? 'You follow them: their posts appear in your feed.'
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
