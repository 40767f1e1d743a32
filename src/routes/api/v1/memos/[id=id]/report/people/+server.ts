import type { RequestHandler } from './$types';
import { json } from '@sveltejs/kit';
import { requestContext } from '$lib/server/context';
import { apiHandler } from '$lib/server/http';
import { listMemoReportPeople } from '$lib/server/memos/memo-report.service';
import { parseInput } from '$lib/server/validation';
import { memoReportQuerySchema } from '$lib/shared/schemas/memos';

/** People addressed by the memo, filtered by status and department, a page at a time. */
export const GET: RequestHandler = apiHandler(async (event) => {
	const query = parseInput(memoReportQuerySchema, Object.fromEntries(event.url.searchParams));
	return json(await listMemoReportPeople(requestContext(event), Number(event.params.id), query));
});
