import { redirect } from '@sveltejs/kit';
import { clearSessionCookie } from '$lib/server/auth/cookie';
import { signOut } from '$lib/server/auth/sign-in.service';
import { config } from '$lib/server/config';
import { requestContext } from '$lib/server/context';

export const actions = {
	default: async (event) => {
		if (event.locals.sessionId) await signOut(requestContext(event), event.locals.sessionId);
		clearSessionCookie(event.cookies, config().production);
		// The browser may keep private answers for a while (attachments for an hour, the list of
		// departments one may see for a day): on a shared computer the next person must not be
		// shown them from the cache. Browsers honour this over HTTPS (and on localhost).
		event.setHeaders({ 'clear-site-data': '"cache"' });
		redirect(303, '/login');
	}
};
