import { redirect } from '@sveltejs/kit';
import { clearSessionCookie } from '$lib/server/auth/cookie';
import { signOut } from '$lib/server/auth/sign-in.service';
import { config } from '$lib/server/config';
import { requestContext } from '$lib/server/context';

export const actions = {
	default: async (event) => {
		if (event.locals.sessionId) await signOut(requestContext(event), event.locals.sessionId);
		clearSessionCookie(event.cookies, config().production);
		redirect(303, '/login');
	}
};
