import { error } from '@sveltejs/kit';
import { requestContext } from '$lib/server/context';
import { loadPageFrame } from '$lib/server/page-frame';

export async function load(event) {
	const { locals } = event;
	// The hook refuses anonymous requests before they get here; this narrows the type.
	if (!locals.actor) error(401, 'Sign in first.');
	const { id, name, email, title, isAdmin } = locals.actor;
	// Memos the person still owes an acknowledgement: the banner on every page.
	// Unread notifications: the bell's count until the live connection takes over.
	const { pendingMemos, unreadNotifications } = await loadPageFrame(requestContext(event));
	// The bell's count must follow marking read, so this reloads with the notification pages.
	event.depends('app:notifications');
	return { me: { id, name, email, title, isAdmin }, pendingMemos, unreadNotifications };
}
