/**
 * The "/" shortcut to the search box. A single-character shortcut can get in the way of speech
 * input and screen readers (WCAG 2.2, 2.1.4 Character Key Shortcuts), so people can turn it off;
 * the choice stays in this browser.
 */
const KEY = 'commons.search-shortcut';

class SearchShortcut {
	enabled = $state(true);

	load(): void {
		try {
			this.enabled = localStorage.getItem(KEY) !== 'off';
		} catch {
			// Storage blocked: keep the default.
		}
	}

	set(on: boolean): void {
		this.enabled = on;
		try {
			localStorage.setItem(KEY, on ? 'on' : 'off');
		} catch {
			// Storage blocked: the choice lasts for this page only.
		}
	}
}

export const searchShortcut = new SearchShortcut();

/** Whether a key press happened while typing somewhere, where "/" is just a character. */
export function isTyping(target: EventTarget | null): boolean {
	if (!(target instanceof HTMLElement)) return false;
	return (
		target.isContentEditable ||
		target instanceof HTMLInputElement ||
		target instanceof HTMLTextAreaElement ||
		target instanceof HTMLSelectElement
	);
}
