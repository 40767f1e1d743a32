import { error } from '@sveltejs/kit';
import { DomainError } from '$lib/server/errors';

/**
 * Turns a domain error (403 for non-administrators, 404 for an unknown id) into the matching
 * error page; rethrows anything else. The service decides; this only translates.
 */
export function throwErrorPage(e: unknown): never {
	if (e instanceof DomainError) error(e.status, e.message);
	throw e;
}

/** Awaits a service read for a page load, turning a domain error into its error page. */
export async function orErrorPage<T>(read: Promise<T>): Promise<T> {
	try {
		return await read;
	} catch (e) {
		throwErrorPage(e);
	}
}
