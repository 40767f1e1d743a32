import { error, isRedirect, redirect } from '@sveltejs/kit';
import { requestContext } from '$lib/server/context';
import { ConflictError, NotFoundError } from '$lib/server/errors';
import { failForm } from '$lib/server/http';
import { getMemoForAmending } from '$lib/server/memos/memo-desk.service';
import { amendMemo } from '$lib/server/memos/memo-publish.service';
import { formToObject, parseInput } from '$lib/server/validation';
import { memoAmendSchema } from '$lib/shared/schemas/memos';

/** A new version of a published memo, for its author. */
export async function load(event) {
	try {
		return { memo: await getMemoForAmending(requestContext(event), Number(event.params.id)) };
	} catch (e) {
		if (e instanceof NotFoundError) error(404, e.message);
		if (e instanceof ConflictError) error(409, e.message);
		throw e;
	}
}

export const actions = {
	default: async (event) => {
		const values = formToObject(await event.request.formData());
		try {
			const input = parseInput(memoAmendSchema, {
				...values,
				kind: values.kind || undefined,
				dueOn: values.dueOn || undefined
			});
			const { version, reset } = await amendMemo(
				requestContext(event),
				Number(event.params.id),
				input
			);
			redirect(303, `/memos/${event.params.id}?amended=${version}&reset=${reset}`);
		} catch (e) {
			if (isRedirect(e)) throw e;
			return failForm(e, values);
		}
	}
};
