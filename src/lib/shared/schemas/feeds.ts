import { z } from 'zod';

import {
	COMMENT_MAX_LENGTH,
	MAX_ATTACHMENTS_PER_POST,
	POST_MAX_LENGTH,
	REACTION_KINDS
} from '../feeds.ts';

// The limits and kinds live with the DTO types, which the browser imports without zod.
export {
	COMMENT_MAX_LENGTH,
	MAX_ATTACHMENTS_PER_POST,
	POST_MAX_LENGTH,
	REACTION_KINDS,
	REACTION_LABELS,
	type ReactionKind
} from '../feeds.ts';

const idList = z.preprocess(
	(v) => (v === undefined || v === '' ? [] : Array.isArray(v) ? v : [v]),
	z
		.array(z.coerce.number().int().positive())
		.max(MAX_ATTACHMENTS_PER_POST, `Attach at most ${MAX_ATTACHMENTS_PER_POST} files to one post.`)
);

const postBody = z
	.string({ error: 'Write something to post.' })
	.trim()
	.min(1, 'Write something to post.')
	.max(
		POST_MAX_LENGTH,
		`Posts can be at most ${POST_MAX_LENGTH.toLocaleString('en')} characters. Shorten it or move the detail to a knowledge page.`
	);

/** Where a post goes: a department's id, or "organisation" for the organisation-wide feed. */
export const audienceSchema = z.union(
	[z.literal('organisation'), z.coerce.number().int().positive()],
	{ error: 'Choose where to post.' }
);

export const postInputSchema = z.object({
	body: postBody,
	audience: audienceSchema,
	announcement: z
		.union([z.boolean(), z.literal('on'), z.literal('true'), z.literal('')])
		.optional()
		.transform((v) => v === true || v === 'on' || v === 'true'),
	attachmentIds: idList
});
export type PostInput = z.infer<typeof postInputSchema>;

export const postEditSchema = z.object({ body: postBody });

export const commentInputSchema = z.object({
	body: z
		.string({ error: 'Write a comment first.' })
		.trim()
		.min(1, 'Write a comment first.')
		.max(
			COMMENT_MAX_LENGTH,
			`Comments can be at most ${COMMENT_MAX_LENGTH.toLocaleString('en')} characters.`
		),
	parentId: z.preprocess(
		(v) => (v === '' || v === null ? undefined : v),
		z.coerce.number().int().positive().optional()
	)
});
export type CommentInput = z.infer<typeof commentInputSchema>;

export const reactionKindSchema = z.enum(REACTION_KINDS, {
	error: `Choose one of: ${REACTION_KINDS.join(', ')}.`
});

/** The home feed's query string: a department filter and a cursor. */
export const feedQuerySchema = z.object({
	department: z
		.union([z.literal('organisation'), z.coerce.number().int().positive(), z.literal('')])
		.optional()
		.transform((v) => (v === '' ? undefined : v)),
	cursor: z.string().max(512).optional()
});
