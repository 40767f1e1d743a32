import { requestContext } from '$lib/server/context';
import { listDirectory } from '$lib/server/org/directory.service';

export async function load(event) {
	const query = event.url.searchParams.get('q') ?? '';
	const result = await listDirectory(requestContext(event), {
		query,
		cursor: event.url.searchParams.get('after')
	});
	return { ...result, query };
}
