/**
 * Input schemas for knowledge pages, shared by the forms and the JSON API.
 */
import { z } from 'zod';

import { PAGE_BODY_MAX, PAGE_SUMMARY_MAX, PAGE_TITLE_MAX } from '../knowledge.ts';

export {
	ORGANISATION_SPACE,
	PAGE_BODY_MAX,
	PAGE_SUMMARY_MAX,
	PAGE_TITLE_MAX
} from '../knowledge.ts';

const title = z
	.string({ error: 'Give the page a title.' })
	.trim()
	.min(1, 'Give the page a title.')
	.max(PAGE_TITLE_MAX, `Titles are at most ${PAGE_TITLE_MAX} characters.`)
	.refine((t) => !/[[\]|]/.test(t), 'Titles cannot contain [ ] or |, which wiki links use.');

const body = z
	.string({ error: 'Write the page.' })
	.max(
		PAGE_BODY_MAX,
		`Pages are at most ${PAGE_BODY_MAX.toLocaleString('en')} characters. Split it into sub-pages.`
	);

const summary = z
	.string()
	.trim()
	.max(PAGE_SUMMARY_MAX, `Keep the summary under ${PAGE_SUMMARY_MAX} characters.`)
	.optional()
	.default('');

const optionalId = z.preprocess(
	(v) => (v === '' || v === null || v === undefined ? null : v),
	z.coerce.number().int().positive().nullable()
);

export const pageSlugSchema = z
	.string()
	.trim()
	.toLowerCase()
	.max(80, 'Use at most 80 characters.')
	.regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'Use lowercase letters, digits and single hyphens.');

const optionalSlug = z.preprocess(
	(v) => (v === '' || v === null ? undefined : v),
	pageSlugSchema.optional()
);

/** A space: a department's slug, or "organisation". */
export const spaceSchema = z
	.string({ error: 'Choose a space.' })
	.trim()
	.toLowerCase()
	.regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'Choose a space.');

export const pageCreateSchema = z.object({
	space: spaceSchema,
	parentId: optionalId,
	title,
	slug: optionalSlug,
	body,
	summary
});
export type PageCreateInput = z.infer<typeof pageCreateSchema>;

export const pageUpdateSchema = z.object({
	title,
	body,
	summary,
	/** The revision the edit started from: a save on top of a newer one is a conflict. */
	baseRevision: z.coerce
		.number({ error: 'The form lost which version you edited. Reload the page.' })
		.int()
		.positive('The form lost which version you edited. Reload the page.')
});
export type PageUpdateInput = z.infer<typeof pageUpdateSchema>;

export const pageMoveSchema = z.object({
	/** The new parent inside the same space, or null for the space's top level. */
	parentId: optionalId,
	slug: optionalSlug
});
export type PageMoveInput = z.infer<typeof pageMoveSchema>;

const optionalDate = z.preprocess(
	(v) => (v === '' || v === null || v === undefined ? null : v),
	z.iso.date({ error: 'Use a date like 2027-03-31.' }).nullable()
);

export const pageGovernanceSchema = z.object({
	ownerId: z.coerce.number({ error: 'Choose an owner.' }).int().positive('Choose an owner.'),
	reviewBy: optionalDate,
	editRestricted: z
		.union([z.boolean(), z.literal('on'), z.literal('true'), z.literal('')])
		.optional()
		.transform((v) => v === true || v === 'on' || v === 'true'),
	editorIds: z.preprocess(
		(v) => (v === undefined || v === '' ? [] : Array.isArray(v) ? v : [v]),
		z.array(z.coerce.number().int().positive()).max(100, 'Name at most 100 editors.')
	)
});
export type PageGovernanceInput = z.infer<typeof pageGovernanceSchema>;

export const pageVerifySchema = z.object({
	verifiedUntil: optionalDate
});

export const pageRestoreSchema = z.object({
	revision: z.coerce.number({ error: 'Choose a revision.' }).int().positive('Choose a revision.'),
	baseRevision: pageUpdateSchema.shape.baseRevision
});

export const pageDiffQuerySchema = z.object({
	from: z.coerce.number().int().positive(),
	to: z.coerce.number().int().positive()
});

export const pagePreviewSchema = z.object({
	space: spaceSchema,
	body
});
