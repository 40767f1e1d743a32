import { requestContext } from '$lib/server/context';
import { getFollows } from '$lib/server/feeds/follow.service';
import { departmentTree } from '$lib/server/org/directory.service';

/** Every department everyone may see, to open and follow; and which ones the viewer follows. */
export async function load(event) {
	const [departments, follows] = await Promise.all([
		departmentTree(),
		getFollows(requestContext(event))
	]);
	return { departments, following: follows.departmentIds };
}
