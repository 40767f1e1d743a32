import { error } from '@sveltejs/kit';
import { requestContext } from '$lib/server/context';
import { requireActor } from '$lib/server/feeds/post.service';
import { listIssuerDepartments, listMemosToReplace } from '$lib/server/memos/memo-desk.service';
import { canIssueMemos, issuesToAnyone } from '$lib/server/memos/memo.policy';
import { newMemoFormValues } from '$lib/shared/schemas/memo-form';
import { saveMemoForm } from '../memo-form.server';

/** A new draft, issued by default from the first department the person manages. */
export async function load(event) {
	const ctx = requestContext(event);
	const actor = requireActor(ctx);
	if (!canIssueMemos(actor))
		error(403, 'Only managers, communications staff and administrators issue memos.');
	const [departments, replaceable] = await Promise.all([
		listIssuerDepartments(ctx),
		listMemosToReplace(ctx)
	]);
	const own = departments.find((d) => d.id === actor.managerOf[0] || d.id === actor.departmentId);
	return {
		departments,
		replaceable,
		anyone: issuesToAnyone(actor),
		values: newMemoFormValues(own?.id ?? null)
	};
}

export const actions = {
	default: (event) => saveMemoForm(event, 'new')
};
