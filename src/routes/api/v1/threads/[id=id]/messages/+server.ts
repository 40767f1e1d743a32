import { json } from '@sveltejs/kit';
import { readJsonBody } from '$lib/server/api/respond';
import { requestContext } from '$lib/server/context';
import { apiHandler } from '$lib/server/http';
import {
	listMessagesAfter,
	listMessagesBefore,
	postMessage
} from '$lib/server/threads/message.service';
import { parseInput } from '$lib/server/validation';
import { messageRangeQuerySchema, sendMessageSchema } from '$lib/shared/schemas/threads';
import type { RequestHandler } from './$types';

/** Messages after a sequence number (catching up, oldest first) or before one (history). */
export const GET: RequestHandler = apiHandler(async (event) => {
	const ctx = requestContext(event);
	const threadId = Number(event.params.id);
	const range = parseInput(messageRangeQuerySchema, Object.fromEntries(event.url.searchParams));
	return json(
		range.before !== undefined
			? await listMessagesBefore(ctx, threadId, range.before)
			: await listMessagesAfter(ctx, threadId, range.after ?? 0)
	);
});

/** Posts a message; a repeated clientKey returns the stored message with 200 instead of 201. */
export const POST: RequestHandler = apiHandler(async (event) => {
	const body = await readJsonBody(event.request);
	const input = parseInput(sendMessageSchema, { ...body, threadId: event.params.id });
	const { message, duplicate } = await postMessage(requestContext(event), input);
	return json(message, { status: duplicate ? 200 : 201 });
});
