/**
 * Opaque keyset cursors: the sort key of the last row a page showed, as base64url JSON.
 * A cursor that does not decode to the expected shape is treated as "from the start" by the
 * caller's schema, never as an error page.
 */
import { z } from 'zod';

export function encodeCursor(key: readonly (string | number)[]): string {
	return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodeCursor<T extends z.ZodTypeAny>(
	cursor: string | null | undefined,
	shape: T
): z.infer<T> | undefined {
	if (!cursor || cursor.length > 512) return undefined;
	try {
		const parsed = shape.safeParse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
		return parsed.success ? parsed.data : undefined;
	} catch {
		return undefined;
	}
}
