/**
 * Validation at the edge: routes parse input with a shared schema; a failure becomes a
 * ValidationError whose `fields` name each bad field with a message a person can act on.
 */
import type { z } from 'zod';
import { ValidationError } from './errors.ts';

/**
 * Where `value` holds a character PostgreSQL cannot store (NUL, in a string or a key) or an
 * unpaired UTF-16 surrogate (which JSON columns refuse), as a field path, else null. Such input
 * would otherwise fail in the database instead of here.
 */
export function findUnstorable(value: unknown, path: string[] = []): string | null {
	const bad = (text: string) => text.includes('\u0000') || !text.isWellFormed();
	if (typeof value === 'string') return bad(value) ? path.join('.') || 'form' : null;
	if (typeof value !== 'object' || value === null) return null;
	for (const [key, item] of Object.entries(value)) {
		if (bad(key)) return [...path, key].join('.');
		const found = findUnstorable(item, [...path, key]);
		if (found !== null) return found;
	}
	return null;
}

export const UNSTORABLE_MESSAGE =
	'This contains a character that cannot be stored (NUL, or half of an emoji). Remove it.';

export function parseInput<T extends z.ZodType>(schema: T, input: unknown): z.infer<T> {
	const unstorable = findUnstorable(input);
	if (unstorable !== null)
		throw new ValidationError(UNSTORABLE_MESSAGE, { [unstorable]: UNSTORABLE_MESSAGE });
	const result = schema.safeParse(input);
	if (result.success) return result.data;
	const fields: Record<string, string> = {};
	for (const issue of result.error.issues) {
		const key = issue.path.length ? issue.path.join('.') : 'form';
		fields[key] ??= issue.message;
	}
	const count = Object.keys(fields).length;
	throw new ValidationError(
		count === 1 ? Object.values(fields)[0]! : `Please correct the ${count} highlighted fields.`,
		fields
	);
}

/** FormData as a plain object: repeated names become arrays, files are left out. */
export function formToObject(
	form: FormData,
	arrays: string[] = []
): Record<string, string | string[]> {
	const result: Record<string, string | string[]> = {};
	for (const key of new Set(form.keys())) {
		const values = form.getAll(key).filter((v): v is string => typeof v === 'string');
		result[key] = arrays.includes(key) ? values : (values[0] ?? '');
	}
	for (const key of arrays) result[key] ??= [];
	return result;
}
