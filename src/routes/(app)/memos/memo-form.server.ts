/**
 * The new and edit pages' save: the form through the one draft schema to the service, then to
 * the memo's page; a refusal keeps everything typed, the audience with its names.
 */
import { fail, isRedirect, redirect, type RequestEvent } from '@sveltejs/kit';
import { requestContext } from '$lib/server/context';
import { failForm } from '$lib/server/http';
import { describeAudienceTokens } from '$lib/server/memos/memo-desk.service';
import { createMemoDraft, updateMemoDraft } from '$lib/server/memos/memo.service';
import { formToObject, parseInput } from '$lib/server/validation';
import { memoFormSchema } from '$lib/shared/schemas/memo-form';

const CHECKBOXES = [
	'requiresApproval',
	'includeLaterJoiners',
	'reminderOnPublish',
	'reminderOnDue'
];

export async function saveMemoForm(event: RequestEvent, memoId: number | 'new') {
	const values = formToObject(await event.request.formData(), ['audience']);
	// An unticked box is not posted; keep it unticked when the form is shown again.
	for (const box of CHECKBOXES) values[box] ??= '';
	const ctx = requestContext(event);
	try {
		const input = parseInput(memoFormSchema, values);
		const memo =
			memoId === 'new'
				? await createMemoDraft(ctx, input)
				: await updateMemoDraft(ctx, memoId, input);
		redirect(303, `/memos/${memo.id}?saved=1`);
	} catch (e) {
		if (isRedirect(e)) throw e;
		const failure = failForm(e, values);
		return fail(failure.status, {
			...failure.data,
			audience: await describeAudienceTokens(ctx, values.audience as string[])
		});
	}
}
