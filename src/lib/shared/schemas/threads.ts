import { z } from 'zod';
import { REACTION_KINDS } from './feeds.ts';

import { MESSAGE_MAX_LENGTH } from '../threads.ts';

export { MESSAGE_MAX_LENGTH } from '../threads.ts';

const id = z.coerce.number().int().positive();
const seq = z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

export const messageBodySchema = z
	.string({ error: 'Write a message first.' })
	.trim()
	.min(1, 'Write a message first.')
	.max(
		MESSAGE_MAX_LENGTH,
		`Messages can be at most ${MESSAGE_MAX_LENGTH.toLocaleString('en')} characters.`
	);

/** A sender-generated key (a UUID) that makes a retried send return the same message. */
export const clientKeySchema = z
	.string({ error: 'Every message needs a clientKey (a UUID the sender generates).' })
	.regex(/^[A-Za-z0-9_-]{8,64}$/, 'The clientKey must be 8 to 64 letters, digits, - or _.');

export const threadInputSchema = z.object({
	title: z
		.string({ error: 'Give the thread a title.' })
		.trim()
		.min(1, 'Give the thread a title.')
		.max(200, 'Keep the title under 200 characters.'),
	home: z.union([z.literal('organisation'), id], { error: 'Choose where the thread lives.' }),
	announceOnly: z
		.union([z.boolean(), z.literal('on'), z.literal('true'), z.literal('')])
		.optional()
		.transform((v) => v === true || v === 'on' || v === 'true')
});
export type ThreadInput = z.infer<typeof threadInputSchema>;

export const sendMessageSchema = z.object({
	threadId: id,
	clientKey: clientKeySchema,
	body: messageBodySchema,
	replyToId: id.optional().nullable()
});
export type SendMessageInput = z.infer<typeof sendMessageSchema>;

export const joinThreadSchema = z.object({ threadId: id, afterSeq: seq.optional() });
export const syncThreadSchema = z.object({ threadId: id, afterSeq: seq });
export const historySchema = z.object({ threadId: id, beforeSeq: seq });
export const threadRefSchema = z.object({ threadId: id });
export const markReadSchema = z.object({ threadId: id, seq });
export const editMessageSchema = z.object({ messageId: id, body: messageBodySchema });
export const messageRefSchema = z.object({ messageId: id });
export const messageReactionSchema = z.object({
	messageId: id,
	kind: z.enum(REACTION_KINDS, { error: `Choose one of: ${REACTION_KINDS.join(', ')}.` })
});

/** The thread list's query: a department id, `organisation`, or `mine` (with unread counts). */
export const threadListQuerySchema = z.object({
	home: z
		.union([z.literal('organisation'), z.literal('mine'), id], {
			error: 'Use a department id, “organisation” or “mine”.'
		})
		.default('mine')
});

/** Messages after a sequence number (catching up) or before one (history); after=0 by default. */
export const messageRangeQuerySchema = z
	.object({ after: seq.optional(), before: seq.optional() })
	.refine((v) => v.after === undefined || v.before === undefined, {
		message: 'Ask for messages after a sequence number or before one, not both.'
	});
