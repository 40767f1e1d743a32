import { error } from '@sveltejs/kit';
import { requestContext } from '$lib/server/context';
import { listMyPendingMemos } from '$lib/server/memos/memo-ack.service';

export async function load(event) {
	const { locals } = event;
	// The hook refuses anonymous requests before they get here; this narrows the type.
	if (!locals.actor) error(401, 'Sign in first.');
	const { id, name, email, title, isAdmin } = locals.actor;
	// Memos the person still owes an acknowledgement: the banner on every page.
	const pendingMemos = await listMyPendingMemos(requestContext(event));
	return { me: { id, name, email, title, isAdmin }, pendingMemos };
}
