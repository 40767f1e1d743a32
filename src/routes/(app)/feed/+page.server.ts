import { redirect } from '@sveltejs/kit';
import { requestContext } from '$lib/server/context';
import { getFeedFilterMenu, getFeedPageOptions, getHomeFeed } from '$lib/server/feeds/feed.service';
import { publishFromForm } from '$lib/server/feeds/post-form';
import { departmentTree, type DepartmentNode } from '$lib/server/org/directory.service';
import { feedQuerySchema } from '$lib/shared/schemas/feeds';

/** The slug of a department everyone may see (members-only ones have no public page link here). */
function findSlug(nodes: DepartmentNode[], id: number): string | null {
	for (const node of nodes) {
		if (node.id === id) return node.slug;
		const found = findSlug(node.children, id);
		if (found) return found;
	}
	return null;
}

export async function load(event) {
	const ctx = requestContext(event);
	const parsed = feedQuerySchema.safeParse(Object.fromEntries(event.url.searchParams));
	const query: { department?: number | 'organisation'; cursor?: string } = parsed.success
		? parsed.data
		: {};
	const department = typeof query.department === 'number' ? query.department : null;
	const [feed, options, tree] = await Promise.all([
		getHomeFeed(ctx, query),
		getFeedPageOptions(ctx, department),
		department === null ? Promise.resolve(null) : departmentTree()
	]);
	const filtered = options.filteredDepartment;
	return {
		feed,
		audiences: options.audiences,
		/**
		 * Streamed, not awaited: the filter's menu (every department, hundreds in a large
		 * organisation) follows the page in the same response and fills the select once the page
		 * runs. The page is smaller and renders sooner, and a streamed page is not hashed for an
		 * ETag (which its per-response CSP nonce would make useless anyway). Without JavaScript
		 * the select offers the whole feed, the organisation and the current department; the
		 * department directory is one link away.
		 */
		departments: getFeedFilterMenu(ctx),
		filter: query.department === undefined ? '' : String(query.department),
		/** The department the feed is narrowed to, with its page when it has a public one. */
		filteredDepartment: filtered
			? { id: filtered.id, name: filtered.name, slug: tree ? findSlug(tree, filtered.id) : null }
			: null,
		paged: !!query.cursor,
		deleted: event.url.searchParams.get('deleted') === '1',
		posted: event.url.searchParams.get('posted') === '1'
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
