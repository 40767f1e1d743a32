import { requestContext } from '$lib/server/context';
import { getHomeFeed, listPostAudiences } from '$lib/server/feeds/feed.service';
import { publishFromForm } from '$lib/server/feeds/post-form';
import { departmentTree } from '$lib/server/org/directory.service';
import { feedQuerySchema } from '$lib/shared/schemas/feeds';

export async function load(event) {
	const ctx = requestContext(event);
	const parsed = feedQuerySchema.safeParse(Object.fromEntries(event.url.searchParams));
	const query: { department?: number | 'organisation'; cursor?: string } = parsed.success
		? parsed.data
		: {};
	const [feed, audiences, tree] = await Promise.all([
		getHomeFeed(ctx, query),
		listPostAudiences(ctx),
		departmentTree()
	]);
	const departments: { id: number; name: string }[] = [];
	const walk = (nodes: typeof tree, depth: number) => {
		for (const n of nodes) {
			departments.push({ id: n.id, name: `${'\u2003'.repeat(depth)}${n.name}` });
			walk(n.children, depth + 1);
		}
	};
	walk(tree, 0);
	return {
		feed,
		audiences,
		departments,
		filter: query.department === undefined ? '' : String(query.department)
	};
}

export const actions = {
	post: publishFromForm
};
