import { error, fail } from '@sveltejs/kit';
import { z } from 'zod';
import { requestContext } from '$lib/server/context';
import { NotFoundError } from '$lib/server/errors';
import { failForm } from '$lib/server/http';
import {
	acknowledgeMemo,
	openMemo,
	SupersededVersionError
} from '$lib/server/memos/memo-ack.service';
import { parseInput, formToObject } from '$lib/server/validation';

/** The memo as the reader sees it; opening it the first time records that they viewed it. */
export async function load(event) {
	try {
		return { memo: await openMemo(requestContext(event), Number(event.params.id)) };
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
	}
};
