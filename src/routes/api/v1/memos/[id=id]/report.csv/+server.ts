import type { RequestHandler } from './$types';
import { requestContext } from '$lib/server/context';
import { apiHandler } from '$lib/server/http';
import { exportMemoReportCsv } from '$lib/server/memos/memo-report.service';

/** Everyone addressed by the memo, as CSV. */
export const GET: RequestHandler = apiHandler(async (event) => {
	const id = Number(event.params.id);
	return new Response(await exportMemoReportCsv(requestContext(event), id), {
		headers: {
			'content-type': 'text/csv; charset=utf-8',
			'content-disposition': `attachment; filename="memo-${id}-report.csv"`
		}
	});
});
