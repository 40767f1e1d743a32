import { requestContext } from '$lib/server/context';
import { getMemoDesk } from '$lib/server/memos/memo-desk.service';

/** The pending list comes from the layout (it feeds the banner too); the rest from the desk. */
export async function load(event) {
	const [{ pendingMemos }, desk] = await Promise.all([
		event.parent(),
		getMemoDesk(requestContext(event))
	]);
	return { pendingMemos, desk };
}
