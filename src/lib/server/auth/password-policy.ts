/**
 * What makes a password acceptable (NIST SP 800-63B style): 12 to 256 characters, no
 * composition rules, and not a commonly used password. A common word with a trivial suffix
 * ("Summer2026!!") counts as common too, and so does the person's own name or email.
 */
import { dictionary } from '@zxcvbn-ts/language-common';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from './password.ts';

const common = new Set(dictionary['passwords-common'].map((p) => p.toLowerCase()));
common.add('commons');
common.add('northbridge');

/** "123456789012", "abcdefghijkl", "987654321098": each character one step from the last. */
function isRun(text: string): boolean {
	const codes = [...text].map((c) => c.codePointAt(0)!);
	let steps = 0;
	for (let i = 1; i < codes.length; i++) {
		const diff = codes[i]! - codes[i - 1]!;
		// Digits wrap around (…8, 9, 0, 1…).
		if (Math.abs(diff) === 1 || Math.abs(diff) === 9) steps++;
	}
	return steps >= (codes.length - 1) * 0.8;
}

/** Returns why a password is refused, or null when it is acceptable. */
export function passwordProblem(
	password: string,
	person: { email?: string; name?: string } = {}
): string | null {
	const length = [...password].length;
	if (length < PASSWORD_MIN_LENGTH)
		return `Use at least ${PASSWORD_MIN_LENGTH} characters. A few unrelated words make a good password.`;
	if (length > PASSWORD_MAX_LENGTH) return `Use at most ${PASSWORD_MAX_LENGTH} characters.`;
	const lower = password.toLowerCase();
	if (new Set(lower).size <= 2 || isRun(lower)) {
		return 'That password is a repeated or sequential pattern. Choose something less predictable.';
	}
	const base = lower.replace(/[\d\W_]+$/u, '').replace(/^[\d\W_]+/u, '');
	if (
		common.has(lower) ||
		(base.length >= 4 && common.has(base)) ||
		common.has(base.replace(/(.+)\1+$/, '$1'))
	) {
		return 'That password is on a list of commonly used passwords. Choose something less predictable.';
	}
	const personal = [
		person.email?.split('@')[0],
		...(person.name?.toLowerCase().split(/\s+/) ?? [])
	].filter((part): part is string => !!part && part.length >= 4);
	if (
		personal.some((part) => base === part.toLowerCase() || base === part.toLowerCase().repeat(2))
	) {
		return 'That password is based on your name or email address. Choose something others cannot guess.';
	}
	return null;
}
