import { error, fail } from '@sveltejs/kit';
import { z } from 'zod';
import { requestContext } from '$lib/server/context';
import { ForbiddenError, NotFoundError } from '$lib/server/errors';
import { failForm } from '$lib/server/http';
import { acknowledgeOnBehalf, extendDueDate } from '$lib/server/memos/memo-exception.service';
import { remindPendingNow } from '$lib/server/memos/memo-reminder.service';
import { getMemoReportPage } from '$lib/server/memos/memo-report.service';
import { formToObject, parseInput } from '$lib/server/validation';
import {
	memoExtendSchema,
	memoOnBehalfSchema,
	memoReportQuerySchema
} from '$lib/shared/schemas/memos';

/**
 * The issuer's report: counts, the roll-up along the department tree, and the people with their
 * status (`?status=&departmentId=&cursor=`). Counts then move live over the socket.
 */
export async function load(event) {
	const ctx = requestContext(event);
	const memoId = Number(event.params.id);
	const parsed = memoReportQuerySchema.safeParse(Object.fromEntries(event.url.searchParams));
	const query = parsed.success ? parsed.data : memoReportQuerySchema.parse({});
	try {
		return {
			...(await getMemoReportPage(ctx, memoId, query)),
			filter: { status: query.status ?? '', departmentId: query.departmentId ?? null }
		};
	} catch (e) {
		if (e instanceof NotFoundError) error(404, e.message);
		if (e instanceof ForbiddenError) error(403, e.message);
		throw e;
	}
}

const person = z.object({ userId: z.coerce.number().int().positive() });

/** One action on the report; a refusal comes back with what was typed and whom it was for. */
async function act(
	event: { request: Request },
	action: string,
	run: (values: Record<string, string | string[]>) => Promise<Record<string, unknown>>
) {
	const values = formToObject(await event.request.formData());
	try {
		return { action, ...(await run(values)) };
	} catch (e) {
		const failure = failForm(e, values);
		return fail(failure.status, { ...failure.data, action });
	}
}

export const actions = {
	remind: (event) =>
		act(event, 'remind', () => remindPendingNow(requestContext(event), Number(event.params.id))),
	extend: (event) =>
		act(event, 'extend', async (values) => {
			const { userId } = parseInput(person, values);
			const input = parseInput(memoExtendSchema, values);
			await extendDueDate(requestContext(event), Number(event.params.id), userId, input);
			return { userId, dueOn: input.dueOn };
		}),
	onBehalf: (event) =>
		act(event, 'onBehalf', async (values) => {
			const { userId } = parseInput(person, values);
			const input = parseInput(memoOnBehalfSchema, values);
			await acknowledgeOnBehalf(requestContext(event), Number(event.params.id), userId, input);
			return { userId };
		})
};
