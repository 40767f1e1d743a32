import { requestContext } from '$lib/server/context';
import { getFeedPageOptions, getHomeFeed } from '$lib/server/feeds/feed.service';
import { publishFromForm } from '$lib/server/feeds/post-form';
import { feedQuerySchema } from '$lib/shared/schemas/feeds';

export async function load(event) {
	const ctx = requestContext(event);
	const parsed = feedQuerySchema.safeParse(Object.fromEntries(event.url.searchParams));
	const query: { department?: number | 'organisation'; cursor?: string } = parsed.success
		? parsed.data
		: {};
	const [feed, options] = await Promise.all([getHomeFeed(ctx, query), getFeedPageOptions(ctx)]);
	return {
		feed,
		audiences: options.audiences,
		departments: options.departments.map((d) => ({
			id: d.id,
			name: `${'\u2003'.repeat(d.depth)}${d.name}`
		})),
		filter: query.department === undefined ? '' : String(query.department)
	};
}

export const actions = {
	post: publishFromForm
};
