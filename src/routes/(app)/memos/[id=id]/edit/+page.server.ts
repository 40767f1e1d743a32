import { error } from '@sveltejs/kit';
import { requestContext } from '$lib/server/context';
import { ConflictError, NotFoundError } from '$lib/server/errors';
import { requireActor } from '$lib/server/feeds/post.service';
import {
	getMemoDraftForm,
	listIssuerDepartments,
	listMemosToReplace
} from '$lib/server/memos/memo-desk.service';
import { issuesToAnyone } from '$lib/server/memos/memo.policy';
import { saveMemoForm } from '../../memo-form.server';

/** A draft in the memo form, for its author. */
export async function load(event) {
	const ctx = requestContext(event);
	const actor = requireActor(ctx);
	try {
		const [draft, departments, replaceable] = await Promise.all([
			getMemoDraftForm(ctx, Number(event.params.id)),
			listIssuerDepartments(ctx),
			listMemosToReplace(ctx)
		]);
		return {
			id: draft.memo.id,
			title: draft.memo.title,
			reviewComment: draft.memo.reviewComment,
			values: draft.values,
			audience: draft.audience,
			departments,
			replaceable,
			anyone: issuesToAnyone(actor)
		};
	} catch (e) {
		if (e instanceof NotFoundError) error(404, e.message);
		if (e instanceof ConflictError) error(409, e.message);
		throw e;
	}
}

export const actions = {
	default: (event) => saveMemoForm(event, Number(event.params.id))
};
