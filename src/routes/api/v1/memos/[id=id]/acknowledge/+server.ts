import type { RequestHandler } from './$types';
import { json } from '@sveltejs/kit';
import { readJsonBody } from '$lib/server/api/respond';
import { requestContext } from '$lib/server/context';
import { apiHandler } from '$lib/server/http';
import { acknowledgeMemo, SupersededVersionError } from '$lib/server/memos/memo-ack.service';
import { parseInput } from '$lib/server/validation';
import { memoAcknowledgeSchema } from '$lib/shared/schemas/memos';

/**
 * Acknowledges a version. Repeating it answers 200 with the same acknowledgement; a version
 * that is no longer current answers 409 with the current version's number and address.
 */
export const POST: RequestHandler = apiHandler(async (event) => {
	const input = parseInput(memoAcknowledgeSchema, await readJsonBody(event.request));
	try {
		const result = await acknowledgeMemo(requestContext(event), Number(event.params.id), input);
		return json(result, { status: result.duplicate ? 200 : 201 });
	} catch (error) {
		if (!(error instanceof SupersededVersionError)) throw error;
		return json(
			{
				error: {
					code: 'conflict',
					message: error.message,
					currentVersion: error.currentVersion,
					href: `/api/v1/memos/${error.memoId}`
				}
			},
			{ status: 409 }
		);
	}
});
