import { listMySessions, signOutOtherSessions } from '$lib/server/auth/session.service';
import { requestContext } from '$lib/server/context';
import { failForm } from '$lib/server/http';

export async function load(event) {
	return { sessions: await listMySessions(requestContext(event), event.locals.sessionId ?? '') };
}

export const actions = {
	signOutOthers: async (event) => {
		try {
			const ended = await signOutOtherSessions(requestContext(event), event.locals.sessionId ?? '');
			return {
				message: ended === 1 ? 'Signed out 1 other session.' : `Signed out ${ended} other sessions.`
			};
		} catch (error) {
			return failForm(error, {});
		}
	}
};
