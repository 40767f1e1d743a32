import { json } from '@sveltejs/kit';
import { readJsonBody } from '$lib/server/api/respond';
import { requestContext } from '$lib/server/context';
import { apiHandler } from '$lib/server/http';
import { deleteMessage, editMessage } from '$lib/server/threads/message.service';
import { parseInput } from '$lib/server/validation';
import { editMessageSchema } from '$lib/shared/schemas/threads';
import type { RequestHandler } from './$types';

/** Edits the caller's own message (marked edited; history kept). */
export const PATCH: RequestHandler = apiHandler(async (event) => {
	const body = await readJsonBody(event.request);
	const input = parseInput(editMessageSchema, { ...body, messageId: event.params.id });
	return json(await editMessage(requestContext(event), input));
});

/** Deletes a message, leaving a tombstone. */
export const DELETE: RequestHandler = apiHandler(async (event) => {
	await deleteMessage(requestContext(event), Number(event.params.id));
	return new Response(null, { status: 204 });
});
