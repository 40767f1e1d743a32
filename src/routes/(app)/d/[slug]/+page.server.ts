import { error, redirect } from '@sveltejs/kit';
import { requestContext } from '$lib/server/context';
import { NotFoundError } from '$lib/server/errors';
import { getDepartmentFeed, getDepartmentOverview } from '$lib/server/feeds/feed.service';
import { setDepartmentFollow } from '$lib/server/feeds/follow.service';
import { publishFromForm } from '$lib/server/feeds/post-form';
import { failForm } from '$lib/server/http';
import { asJsonPageData } from '$lib/shared/json-page-data';
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
		return {
			overview,
			feed: asJsonPageData(feed),
			paged: event.url.searchParams.has('cursor'),
			posted: event.url.searchParams.get('posted') === '1'
		};
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
			follow: on,
			message: on
				? `You follow ${department.name}: its posts appear in your feed.`
				: `You no longer follow ${department.name}.`
		};
	} catch (e) {
		return failForm(e, { follow: on });
	}
}

export const actions = {
	follow: (event) => follow(event, true),
	unfollow: (event) => follow(event, false),
	post: async (event) => {
		const result = await publishFromForm(event);
		// Without JavaScript: post, then redirect, so that reloading the page does not post again.
		if ('posted' in result && event.request.headers.get('x-sveltekit-action') !== 'true')
			redirect(303, `/d/${encodeURIComponent(event.params.slug)}?posted=1`);
		return result;
	}
};
