import { listDirectory } from '$lib/server/org/directory.service';

export async function load({ url }) {
	return listDirectory({ cursor: url.searchParams.get('after') });
}
