import { redirect } from '@sveltejs/kit';
import { requestContext } from '$lib/server/context';
import { getFeedPageOptions, getHomeFeed } from '$lib/server/feeds/feed.service';
import { publishFromForm } from '$lib/server/feeds/post-form';
import { listVisibleDepartments } from '$lib/server/org/directory.service';
import { asJsonPageData } from '$lib/shared/json-page-data';
import { feedQuerySchema } from '$lib/shared/schemas/feeds';

export async function load(event) {
	const ctx = requestContext(event);
	const parsed = feedQuerySchema.safeParse(Object.fromEntries(event.url.searchParams));
	const query: { department?: number | 'organisation'; cursor?: string } = parsed.success
		? parsed.data
		: {};
	const department = typeof query.department === 'number' ? query.department : null;
	const [feed, options, departments] = await Promise.all([
		getHomeFeed(ctx, query),
		getFeedPageOptions(ctx, department),
		listVisibleDepartments(ctx)
	]);
	return {
		feed: asJsonPageData(feed),
		audiences: options.audiences,
		/**
		 * The filter's menu (every department, hundreds in a large organisation) is not in the
		 * page: the page fetches it by this version from `GET /api/v1/departments`, which the
		 * browser keeps until the list changes. Serialising it into every page cost a tenth of
		 * the feed's rendering time. Without JavaScript the select offers the whole feed, the
		 * organisation and the current department; the department directory is one link away.
		 */
		departmentsVersion: departments.version,
		filter: query.department === undefined ? '' : String(query.department),
		/** The department the feed is narrowed to (the viewer may see it, so its page too). */
		filteredDepartment: options.filteredDepartment,
		paged: !!query.cursor,
		deleted: event.url.searchParams.get('deleted') === '1',
		posted: event.url.searchParams.get('posted') === '1',
		/**
		 * A promise in a page's data makes SvelteKit stream the page, and a streamed page is not
		 * hashed for an ETag. Ours could never match (every response carries a new CSP nonce),
		 * and hashing the page in JavaScript, character by character, cost about 5% of the
		 * feed's rendering time (bench/README.md, feed-home). Only on GET: a streamed response
		 * is always 200, and a refused post without JavaScript (POST) must answer 400. Nothing
		 * reads it.
		 */
		...(event.request.method === 'GET' ? { noEtag: Promise.resolve(true) } : {})
	};
}

export const actions = {
	post: async (event) => {
		const result = await publishFromForm(event);
		// Without JavaScript: post, then redirect, so that reloading the feed does not post again.
		if ('posted' in result && event.request.headers.get('x-sveltekit-action') !== 'true')
			redirect(303, '/feed?posted=1');
		return result;
	}
};
