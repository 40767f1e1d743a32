import type { RequestHandler } from './$types';
import { json } from '@sveltejs/kit';
import { requestContext } from '$lib/server/context';
import { apiHandler } from '$lib/server/http';
import { getMemoReport } from '$lib/server/memos/memo-report.service';

/** Counts and the roll-up along the department tree. */
export const GET: RequestHandler = apiHandler(async (event) =>
	json(await getMemoReport(requestContext(event), Number(event.params.id)))
);
