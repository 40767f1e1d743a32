import type { RequestEvent } from '@sveltejs/kit';
import type { Actor } from './org/actor.ts';

/** Who is asking and from where: passed from the route to every service call. */
export type RequestContext = {
	actor: Actor | null;
	ip: string | null;
	userAgent: string | null;
};

/** A context for work the system does itself (scripts, jobs). */
export const systemContext: RequestContext = { actor: null, ip: null, userAgent: 'commons-system' };

/** The context of a SvelteKit request, after the hook resolved the person. */
export function requestContext(
	event: Pick<RequestEvent, 'locals' | 'request' | 'getClientAddress'>
): RequestContext {
	let ip: string | null = null;
	try {
		ip = event.getClientAddress();
	} catch {
		// Not every environment knows the client address (e.g. some test harnesses).
	}
	return { actor: event.locals.actor, ip, userAgent: event.request.headers.get('user-agent') };
}
