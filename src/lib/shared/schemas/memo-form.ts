/**
 * The memo form (new and edit pages): flat HTML form fields turned into the JSON API's draft
 * input, so both go through one schema (memoDraftSchema). Audience entries travel as tokens:
 * `organisation`, `department:12` (with its sub-departments), `department:12:only`,
 * `role:manager`, `person:45`; a leading `-` makes the entry an exclusion.
 */
import { z } from 'zod';
import {
	audienceEntrySchema,
	memoDraftSchema,
	memoPublishSchema,
	type AudienceEntry,
	type MemoDraftInput,
	type MemoQuestion,
	type ReminderLadder
} from './memos.ts';

/** The form's values, as the browser posts them and as the edit page fills them in. */
export type MemoFormValues = {
	title: string;
	body: string;
	category: string;
	issuingDepartmentId: string;
	reference: string;
	dueOn: string;
	requiresApproval: string;
	includeLaterJoiners: string;
	laterJoinerDays: string;
	attestation: string;
	questionPrompt: string;
	questionOptions: string;
	questionAnswer: string;
	questionExplanation: string;
	reminderOnPublish: string;
	reminderBeforeDue: string;
	reminderOnDue: string;
	reminderOverdueEvery: string;
	audience: string[];
	/** The id of the published memo this one replaces, or ''. */
	supersedesId: string;
};

export function audienceToken(entry: AudienceEntry): string {
	const sign = entry.exclude ? '-' : '';
	switch (entry.kind) {
		case 'organisation':
			return `${sign}organisation`;
		case 'department':
			return `${sign}department:${entry.departmentId}${entry.includeSub ? '' : ':only'}`;
		case 'role':
			return `${sign}role:${entry.roleKey}`;
		case 'person':
			return `${sign}person:${entry.userId}`;
	}
}

/** The entry a token stands for, or null when it is not one. */
export function parseAudienceToken(token: string): AudienceEntry | null {
	const exclude = token.startsWith('-');
	const [kind, value, option] = (exclude ? token.slice(1) : token).split(':');
	const id = Number(value);
	if (kind === 'organisation' && value === undefined) return { kind, exclude };
	if (kind === 'department' && Number.isSafeInteger(id) && id > 0 && (!option || option === 'only'))
		return { kind, departmentId: id, includeSub: option !== 'only', exclude };
	if (kind === 'role' && ['staff', 'manager', 'communications', 'admin'].includes(value ?? ''))
		return { kind, roleKey: value as 'staff', exclude };
	if (kind === 'person' && Number.isSafeInteger(id) && id > 0 && option === undefined)
		return { kind, userId: id, exclude };
	return null;
}

const checked = (v: string | undefined) => v === 'on' || v === 'true';
const text = (v: string | undefined) => (v ?? '').trim();

/** "7, 3" → [7, 3]; anything that is not a whole number is kept as NaN for the schema to refuse. */
function days(value: string): number[] {
	return value
		.split(/[\s,]+/)
		.filter(Boolean)
		.map((d) => (/^\d+$/.test(d) ? Number(d) : Number.NaN));
}

function question(values: Partial<MemoFormValues>): MemoQuestion | null {
	const prompt = text(values.questionPrompt);
	const options = (values.questionOptions ?? '')
		.split('\n')
		.map((o) => o.trim())
		.filter(Boolean);
	if (!prompt && !options.length) return null;
	return {
		prompt,
		options,
		// People count answers from 1; the schema from 0.
		answer: Number(values.questionAnswer) - 1,
		explanation: text(values.questionExplanation)
	};
}

/** The API's draft shape, unchecked: the schema after it decides what is valid. */
function toDraftInput(values: Partial<MemoFormValues>): unknown {
	const audience = (values.audience ?? []).map(parseAudienceToken);
	const ladder: ReminderLadder = {
		onPublish: checked(values.reminderOnPublish),
		beforeDueDays: days(values.reminderBeforeDue ?? ''),
		onDue: checked(values.reminderOnDue),
		overdueEveryDays: Number(text(values.reminderOverdueEvery) || '0')
	};
	return {
		title: values.title ?? '',
		body: values.body ?? '',
		category: values.category,
		issuingDepartmentId: Number(values.issuingDepartmentId),
		reference: text(values.reference) || null,
		requiresApproval: checked(values.requiresApproval),
		dueOn: text(values.dueOn) || null,
		includeLaterJoiners: checked(values.includeLaterJoiners),
		laterJoinerDays: Number(text(values.laterJoinerDays) || '14'),
		attestation: text(values.attestation) || null,
		question: question(values),
		reminderLadder: ladder,
		supersedesId: text(values.supersedesId) ? Number(values.supersedesId) : null,
		// An unreadable token cannot come from the form's own controls; say so plainly.
		audience: audience.includes(null) ? 'invalid' : audience
	};
}

export const memoFormSchema = z
	.record(z.string(), z.union([z.string(), z.array(z.string())]))
	.transform((values) => toDraftInput(values as Partial<MemoFormValues>))
	.pipe(
		memoDraftSchema.extend({
			issuingDepartmentId: z
				.number()
				.int('Choose the issuing department.')
				.positive('Choose the issuing department.'),
			laterJoinerDays: z
				.number({ error: 'Give a number of days from 1 to 365.' })
				.int('Give a whole number of days.')
				.min(1, 'Give a number of days from 1 to 365.')
				.max(365, 'Give a number of days from 1 to 365.'),
			reminderLadder: z.object({
				onPublish: z.boolean(),
				beforeDueDays: z
					.array(
						z
							.number({ error: 'Give days as whole numbers, e.g. "7, 3".' })
							.int('Give days as whole numbers, e.g. "7, 3".')
							.min(1, 'Give days from 1 to 60.')
							.max(60, 'Give days from 1 to 60.')
					)
					.max(5, 'Give at most five reminders before the due date.'),
				onDue: z.boolean(),
				overdueEveryDays: z
					.number({ error: 'Give a number of days from 0 to 30.' })
					.int('Give a whole number of days.')
					.min(0, 'Give a number of days from 0 to 30.')
					.max(30, 'Give a number of days from 0 to 30.')
			}),
			supersedesId: z
				.number()
				.int('Choose a published memo, or none.')
				.positive('Choose a published memo, or none.')
				.nullable(),
			audience: z.array(audienceEntrySchema, {
				error: 'Choose the audience again from the lists.'
			})
		})
	);

/** A draft's fields as the form shows them (the edit page). */
export function memoFormValues(
	draft: Omit<MemoDraftInput, 'audience'> & { audience: AudienceEntry[] }
): MemoFormValues {
	return {
		title: draft.title,
		body: draft.body,
		category: draft.category,
		issuingDepartmentId: String(draft.issuingDepartmentId),
		reference: draft.reference ?? '',
		dueOn: draft.dueOn ?? '',
		requiresApproval: draft.requiresApproval ? 'on' : '',
		includeLaterJoiners: draft.includeLaterJoiners ? 'on' : '',
		laterJoinerDays: String(draft.laterJoinerDays),
		attestation: draft.attestation ?? '',
		questionPrompt: draft.question?.prompt ?? '',
		questionOptions: draft.question?.options.join('\n') ?? '',
		questionAnswer: draft.question ? String(draft.question.answer + 1) : '',
		questionExplanation: draft.question?.explanation ?? '',
		reminderOnPublish: draft.reminderLadder.onPublish ? 'on' : '',
		reminderBeforeDue: draft.reminderLadder.beforeDueDays.join(', '),
		reminderOnDue: draft.reminderLadder.onDue ? 'on' : '',
		reminderOverdueEvery: String(draft.reminderLadder.overdueEveryDays),
		audience: draft.audience.map(audienceToken),
		supersedesId: draft.supersedesId ? String(draft.supersedesId) : ''
	};
}

/** A new memo's starting values. */
export function newMemoFormValues(issuingDepartmentId: number | null): MemoFormValues {
	const defaults = memoDraftSchema.parse({
		title: 'New memo',
		body: '',
		category: 'notice',
		issuingDepartmentId: issuingDepartmentId ?? 1
	});
	return {
		...memoFormValues(defaults),
		title: '',
		issuingDepartmentId: issuingDepartmentId ? String(issuingDepartmentId) : ''
	};
}

/**
 * "Publish at" from a `datetime-local` field, which has no time zone: the browser adds its
 * offset from UTC in minutes (`Date.getTimezoneOffset()`); without it the time is read as UTC.
 */
export const memoPublishFormSchema = z
	.object({
		publishAt: z.string().default(''),
		timezoneOffset: z.string().default('0')
	})
	.transform(({ publishAt, timezoneOffset }) => {
		const at = publishAt.trim();
		if (!at) return { publishAt: null };
		const local = Date.parse(`${at.length === 16 ? `${at}:00` : at}Z`);
		const offset = Number(timezoneOffset) || 0;
		if (Number.isNaN(local) || Math.abs(offset) > 24 * 60) return { publishAt: 'invalid' };
		return { publishAt: new Date(local + offset * 60_000).toISOString() };
	})
	.pipe(
		memoPublishSchema.extend({
			publishAt: z.iso
				.datetime({ offset: true, error: 'Give a date and time, or leave it empty.' })
				.nullable()
		})
	);
