import { error } from '@sveltejs/kit';
import { requestContext } from '$lib/server/context';
import { NotFoundError } from '$lib/server/errors';
import { getDepartmentFeed, getDepartmentOverview } from '$lib/server/feeds/feed.service';
import { setDepartmentFollow } from '$lib/server/feeds/follow.service';
import { publishFromForm } from '$lib/server/feeds/post-form';
import { failForm } from '$lib/server/http';
import type { RequestEvent } from './$types';

export async function load(event) {
	const ctx = requestContext(event);
	try {
		const overview = await getDepartmentOverview(ctx, event.params.slug);
		const feed = await getDepartmentFeed(
			ctx,
			overview.department.id,
			event.url.searchParams.get('cursor')
		);
		return { overview, feed };
	} catch (e) {
		if (e instanceof NotFoundError) error(404, e.message);
		throw e;
	}
}

async function follow(event: RequestEvent, on: boolean) {
	const ctx = requestContext(event);
	try {
		const { department } = await getDepartmentOverview(ctx, event.params.slug);
		await setDepartmentFollow(ctx, department.id, on);
		return {
			message: on
				? `You follow ${department.name}: its posts appear in your feed.`
				: `You no longer follow ${department.name}.`
		};
	} catch (e) {
		return failForm(e, {});
	}
}

export const actions = {
	follow: (event) => follow(event, true),
	unfollow: (event) => follow(event, false),
	post: publishFromForm
};
