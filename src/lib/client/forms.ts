/**
 * The enhanced-form behaviour most forms want: after a submit, keep what the person typed
 * (no reset) and, when the server refused it, move focus to the form's message so screen
 * readers and keyboard users land on what went wrong.
 */
import { tick } from 'svelte';
import type { SubmitFunction } from '@sveltejs/kit';

export function keepInputFocusFailure(message: () => HTMLElement | undefined): SubmitFunction {
	return () =>
		async ({ result, update }) => {
			await update({ reset: false });
			if (result.type === 'failure') {
				await tick();
				message()?.focus();
			}
		};
}
