import type { RequestHandler } from './$types';
import { json } from '@sveltejs/kit';
import { requestContext } from '$lib/server/context';
import { apiHandler } from '$lib/server/http';
import { buildMemoEvidencePack } from '$lib/server/memos/memo-report.service';

/** The evidence pack, verifiable offline with `npm run audit:verify -- --pack <file>`. */
export const GET: RequestHandler = apiHandler(async (event) => {
	const id = Number(event.params.id);
	return json(await buildMemoEvidencePack(requestContext(event), id), {
		headers: { 'content-disposition': `attachment; filename="memo-${id}-evidence.json"` }
	});
});
