import { fail } from '@sveltejs/kit';
import { requestContext } from '$lib/server/context';
import { ForbiddenError } from '$lib/server/errors';
import { checkUnsubscribeLink, unsubscribe } from '$lib/server/notifications/notification.service';

function linkOf(url: URL) {
	const userId = Number(url.searchParams.get('u'));
	return {
		userId: Number.isSafeInteger(userId) && userId > 0 ? userId : 0,
		category: url.searchParams.get('c') ?? '',
		signature: url.searchParams.get('s') ?? ''
	};
}

/** The link from an e-mail: says what it stops and asks for one click (link checkers only GET). */
export async function load(event) {
	return checkUnsubscribeLink(linkOf(event.url));
}

export const actions = {
	/**
	 * The click on this page, or a mail client's RFC 8058 one-click POST to the same URL (body
	 * `List-Unsubscribe=One-Click`, no session, no Origin: see the CSRF check in the hook).
	 */
	default: async (event) => {
		try {
			const result = await unsubscribe(requestContext(event), linkOf(event.url));
			return { done: true as const, ...result };
		} catch (error) {
			if (error instanceof ForbiddenError) return fail(403, { message: error.message });
			throw error;
		}
	}
};
