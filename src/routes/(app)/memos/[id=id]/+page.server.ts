import { error, fail } from '@sveltejs/kit';
import { z } from 'zod';
import { requestContext } from '$lib/server/context';
import { NotFoundError } from '$lib/server/errors';
import { failForm } from '$lib/server/http';
import { acknowledgeMemo, SupersededVersionError } from '$lib/server/memos/memo-ack.service';
import { getMemoPage } from '$lib/server/memos/memo-desk.service';
import { publishMemo, retractMemo } from '$lib/server/memos/memo-publish.service';
import { approveMemo, returnMemo, submitMemo } from '$lib/server/memos/memo.service';
import { parseInput, formToObject } from '$lib/server/validation';
import { memoPublishFormSchema } from '$lib/shared/schemas/memo-form';
import { memoRetractSchema, memoReturnSchema } from '$lib/shared/schemas/memos';

/**
 * The memo as the reader sees it (opening it the first time records that they viewed it), and
 * for the people who run it, its desk: audience, reach, and the next lifecycle step.
 */
export async function load(event) {
	try {
		return await getMemoPage(requestContext(event), Number(event.params.id));
	} catch (e) {
		if (e instanceof NotFoundError) error(404, e.message);
		throw e;
	}
}

// The form's fields as the service's input: a ticked box, a radio's index, the version read.
const acknowledgeForm = z.object({
	version: z.coerce.number({ error: 'Reload the memo and try again.' }).int().positive(),
	attested: z.preprocess((v) => v === 'on' || v === 'true', z.boolean()),
	answer: z.preprocess(
		(v) => (v === '' || v === undefined ? null : v),
		z.coerce.number().int().min(0).nullable()
	)
});

/** Runs one lifecycle step from a form; a refusal comes back with what was typed. */
async function step(
	event: { request: Request },
	action: string,
	run: (values: Record<string, string | string[]>) => Promise<unknown>
) {
	const values = formToObject(await event.request.formData());
	try {
		await run(values);
		return { done: action };
	} catch (e) {
		const failure = failForm(e, values);
		return fail(failure.status, { ...failure.data, action });
	}
}

export const actions = {
	acknowledge: async (event) => {
		const values = formToObject(await event.request.formData());
		try {
			const input = parseInput(acknowledgeForm, values);
			await acknowledgeMemo(requestContext(event), Number(event.params.id), input);
			return { acknowledged: true };
		} catch (e) {
			// Someone issued a new version while this one was open: say so, and show the new one.
			if (e instanceof SupersededVersionError)
				return fail(409, { message: e.message, fields: {}, values, superseded: true });
			return failForm(e, values);
		}
	},
	publish: (event) =>
		step(event, 'publish', (values) =>
			publishMemo(
				requestContext(event),
				Number(event.params.id),
				parseInput(memoPublishFormSchema, values)
			)
		),
	submit: (event) =>
		step(event, 'submit', (values) =>
			submitMemo(
				requestContext(event),
				Number(event.params.id),
				parseInput(memoPublishFormSchema, values)
			)
		),
	approve: (event) =>
		step(event, 'approve', () => approveMemo(requestContext(event), Number(event.params.id))),
	return: (event) =>
		step(event, 'return', (values) =>
			returnMemo(
				requestContext(event),
				Number(event.params.id),
				parseInput(memoReturnSchema, values)
			)
		),
	retract: (event) =>
		step(event, 'retract', (values) =>
			retractMemo(
				requestContext(event),
				Number(event.params.id),
				parseInput(memoRetractSchema, values)
			)
		)
};
