/**
 * Validation at the edge: routes parse input with a shared schema; a failure becomes a
 * ValidationError whose `fields` name each bad field with a message a person can act on.
 */
import type { z } from 'zod';
import { ValidationError } from './errors.ts';

/**
 * Where `value` holds a NUL character (in a string or a key), as a field path, else null.
 * PostgreSQL cannot store NUL in text, so such input would fail in the database instead of here.
 */
export function findNul(value: unknown, path: string[] = []): string | null {
	if (typeof value === 'string') return value.includes('\u0000') ? path.join('.') || 'form' : null;
	if (typeof value !== 'object' || value === null) return null;
	for (const [key, item] of Object.entries(value)) {
		if (key.includes('\u0000')) return [...path, key].join('.');
		const found = findNul(item, [...path, key]);
		if (found !== null) return found;
	}
	return null;
}

export const NUL_MESSAGE =
	'This contains a NUL character (\\0), which cannot be stored. Remove it.';

export function parseInput<T extends z.ZodType>(schema: T, input: unknown): z.infer<T> {
	const nul = findNul(input);
	if (nul !== null) throw new ValidationError(NUL_MESSAGE, { [nul]: NUL_MESSAGE });
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
