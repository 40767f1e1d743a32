import type { Actor } from './org/actor.ts';

/** Who is asking and from where: passed from the route to every service call. */
export type RequestContext = {
	actor: Actor | null;
	ip: string | null;
	userAgent: string | null;
};

/** A context for work the system does itself (scripts, jobs). */
export const systemContext: RequestContext = { actor: null, ip: null, userAgent: 'commons-system' };
