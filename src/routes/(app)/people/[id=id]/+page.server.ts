import { error } from '@sveltejs/kit';
import { requestContext } from '$lib/server/context';
import { NotFoundError } from '$lib/server/errors';
import { getProfile } from '$lib/server/org/profile.service';

export async function load(event) {
	try {
		return await getProfile(requestContext(event), Number(event.params.id));
	} catch (e) {
		if (e instanceof NotFoundError) error(404, e.message);
		throw e;
	}
}
