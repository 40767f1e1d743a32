import { requestContext } from '$lib/server/context';
import { getFollows } from '$lib/server/feeds/follow.service';
import { departmentTree } from '$lib/server/org/directory.service';

/** Every department the viewer may see, to open and follow; and which ones the viewer follows. */
export async function load(event) {
	const ctx = requestContext(event);
	const [departments, follows] = await Promise.all([departmentTree(ctx), getFollows(ctx)]);
	return { departments, following: follows.departmentIds };
}
