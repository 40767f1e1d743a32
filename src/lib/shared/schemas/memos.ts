/**
 * Input schemas for official memos, shared by the forms and the JSON API.
 */
import { z } from 'zod';

export const MEMO_CATEGORIES = ['policy', 'instruction', 'notice'] as const;
export const MEMO_BODY_MAX = 100_000;

const isoDate = z
	.string({ error: 'Give a date as YYYY-MM-DD.' })
	.regex(/^\d{4}-\d{2}-\d{2}$/, 'Give a date as YYYY-MM-DD.')
	.refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)), 'That date does not exist.');

export const audienceEntrySchema = z.discriminatedUnion('kind', [
	z.object({ kind: z.literal('organisation'), exclude: z.boolean().default(false) }),
	z.object({
		kind: z.literal('department'),
		departmentId: z.number().int().positive(),
		includeSub: z.boolean().default(true),
		exclude: z.boolean().default(false)
	}),
	z.object({
		kind: z.literal('role'),
		roleKey: z.enum(['staff', 'manager', 'communications', 'admin']),
		exclude: z.boolean().default(false)
	}),
	z.object({
		kind: z.literal('person'),
		userId: z.number().int().positive(),
		exclude: z.boolean().default(false)
	})
]);
export type AudienceEntry = z.infer<typeof audienceEntrySchema>;

export const reminderLadderSchema = z.object({
	onPublish: z.boolean().default(true),
	beforeDueDays: z.array(z.number().int().min(1).max(60)).max(5).default([3]),
	onDue: z.boolean().default(true),
	/** 0: no reminders once overdue. */
	overdueEveryDays: z.number().int().min(0).max(30).default(2)
});
export type ReminderLadder = z.infer<typeof reminderLadderSchema>;

export const questionSchema = z
	.object({
		prompt: z.string().trim().min(1, 'Write the question.').max(500),
		options: z.array(z.string().trim().min(1).max(200)).min(2, 'Give at least two answers.').max(6),
		answer: z.number().int().min(0),
		explanation: z.string().trim().max(1000).default('')
	})
	.refine((q) => q.answer < q.options.length, {
		message: 'The correct answer must be one of the options.',
		path: ['answer']
	});
export type MemoQuestion = z.infer<typeof questionSchema>;

export const memoDraftSchema = z.object({
	title: z
		.string({ error: 'Give the memo a title.' })
		.trim()
		.min(1, 'Give the memo a title.')
		.max(200, 'Titles are at most 200 characters.'),
	body: z
		.string({ error: 'Write the memo.' })
		.max(MEMO_BODY_MAX, `Memos are at most ${MEMO_BODY_MAX.toLocaleString('en')} characters.`),
	category: z.enum(MEMO_CATEGORIES, { error: 'Choose policy, instruction or notice.' }),
	issuingDepartmentId: z.number().int().positive(),
	reference: z.string().trim().max(60).nullable().default(null),
	requiresApproval: z.boolean().default(false),
	dueOn: isoDate.nullable().default(null),
	includeLaterJoiners: z.boolean().default(false),
	laterJoinerDays: z.number().int().min(1).max(365).default(14),
	attestation: z.string().trim().max(500).nullable().default(null),
	question: questionSchema.nullable().default(null),
	reminderLadder: reminderLadderSchema.default({
		onPublish: true,
		beforeDueDays: [3],
		onDue: true,
		overdueEveryDays: 2
	}),
	audience: z.array(audienceEntrySchema).max(500).default([]),
	/** A published memo this one replaces: publishing this one marks that one superseded. */
	supersedesId: z.number().int().positive().nullable().default(null)
});
export type MemoDraftInput = z.infer<typeof memoDraftSchema>;

export const memoReturnSchema = z.object({
	comment: z.string().trim().min(1, 'Say what needs to change.').max(2000)
});

export const memoPublishSchema = z.object({
	/** Publish later: the memo is scheduled until then. */
	publishAt: z.iso.datetime({ offset: true }).nullable().default(null)
});

export const memoAmendSchema = z.object({
	title: z.string().trim().min(1).max(200).optional(),
	body: z.string().max(MEMO_BODY_MAX),
	kind: z.enum(['material', 'editorial'], { error: 'Say whether the change is material.' }),
	note: z.string().trim().max(500).default(''),
	/** A material change's new due date for everyone pending; by default as long as the first gave. */
	dueOn: isoDate.optional()
});
export type MemoAmendInput = z.infer<typeof memoAmendSchema>;

export const memoRetractSchema = z.object({
	reason: z.string().trim().min(1, 'Give a reason.').max(1000)
});

export const memoAcknowledgeSchema = z.object({
	version: z.number().int().positive(),
	attested: z.boolean().default(false),
	answer: z.number().int().min(0).nullable().default(null)
});
export type MemoAcknowledgeInput = z.infer<typeof memoAcknowledgeSchema>;

export const memoExtendSchema = z.object({
	dueOn: isoDate,
	reason: z.string().trim().min(1, 'Give a reason.').max(1000)
});

export const memoOnBehalfSchema = z.object({
	reason: z.string().trim().min(1, 'Give a reason.').max(1000)
});

export const REPORT_STATUSES = ['acknowledged', 'viewed', 'pending', 'overdue'] as const;

export const memoReportQuerySchema = z.object({
	status: z.enum(REPORT_STATUSES).optional(),
	departmentId: z.coerce.number().int().positive().optional(),
	cursor: z.string().max(512).optional(),
	limit: z.coerce.number().int().min(1).max(200).default(50)
});
export type MemoReportQuery = z.infer<typeof memoReportQuerySchema>;

export const memoPreviewSchema = z.object({
	body: z
		.string()
		.max(MEMO_BODY_MAX, `Memos are at most ${MEMO_BODY_MAX.toLocaleString('en')} characters.`)
});
