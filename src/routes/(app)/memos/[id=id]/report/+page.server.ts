import { error } from '@sveltejs/kit';
import { requestContext } from '$lib/server/context';
import { ForbiddenError, NotFoundError } from '$lib/server/errors';
import { getMemoReport, listMemoReportPeople } from '$lib/server/memos/memo-report.service';
import { memoReportQuerySchema } from '$lib/shared/schemas/memos';

/**
 * The issuer's report: counts, the roll-up along the department tree, and the people with their
 * status (`?status=&departmentId=&cursor=`). Counts then move live over the socket.
 */
export async function load(event) {
	const ctx = requestContext(event);
	const memoId = Number(event.params.id);
	const parsed = memoReportQuerySchema.safeParse(Object.fromEntries(event.url.searchParams));
	const query = parsed.success ? parsed.data : memoReportQuerySchema.parse({});
	try {
		const [report, people] = await Promise.all([
			getMemoReport(ctx, memoId),
			listMemoReportPeople(ctx, memoId, query)
		]);
		return {
			report,
			people,
			filter: { status: query.status ?? '', departmentId: query.departmentId ?? null }
		};
	} catch (e) {
		if (e instanceof NotFoundError) error(404, e.message);
		if (e instanceof ForbiddenError) error(403, e.message);
		throw e;
	}
}
