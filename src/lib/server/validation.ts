/**
 * Validation at the edge: routes parse input with a shared schema; a failure becomes a
 * ValidationError whose `fields` name each bad field with a message a person can act on.
 */
import type { z } from 'zod';
import { ValidationError } from './errors.ts';

export function parseInput<T extends z.ZodType>(schema: T, input: unknown): z.infer<T> {
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
