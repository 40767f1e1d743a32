/**
 * The enhanced-form behaviours most forms want: after a submit, keep what the person typed
 * (no reset), and put the focus where the person can go on.
 */
import { tick } from 'svelte';
import type { SubmitFunction } from '@sveltejs/kit';

/**
 * When the server refused it, move focus to the form's message so screen readers and keyboard
 * users land on what went wrong.
 */
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

/**
 * Gives the focus back to `element` (the button pressed, say) afterwards: SvelteKit moves the
 * focus to the top of the page after every successful action, which suits a new page, not a
 * button that toggles in place (Follow / Unfollow).
 */
export function keepFocusOn(element: () => HTMLElement | undefined): SubmitFunction {
	return () =>
		async ({ update }) => {
			await update({ reset: false });
			await tick();
			element()?.focus();
		};
}
