/**
 * Search cursors: opaque to clients (base64url JSON), checked on the way back in so a cursor
 * that was not ours is a 400, never a database error.
 */
import { ValidationError } from '../errors.ts';
import type { RankedKey } from './search.repository.ts';

export type SearchCursor = { mode: 'words' | 'typo'; key: RankedKey };

export function encodeCursor(cursor: SearchCursor): string {
	const { mode, key } = cursor;
	return Buffer.from(JSON.stringify([mode, key.rank, key.kind, key.sourceId])).toString(
		'base64url'
	);
}

export function decodeCursor(text: string | undefined): SearchCursor | null {
	if (!text) return null;
	try {
		const value: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
		if (Array.isArray(value) && value.length === 4) {
			const [mode, rank, kind, sourceId] = value;
			if (
				(mode === 'words' || mode === 'typo') &&
				typeof rank === 'number' &&
				Number.isFinite(rank) &&
				typeof kind === 'string' &&
				/^[a-z]{1,20}$/.test(kind) &&
				Number.isSafeInteger(sourceId)
			)
				return { mode, key: { rank, kind, sourceId } };
		}
	} catch {
		// fall through: not one of ours
	}
	throw new ValidationError('That cursor is not one this server gave; start the search again.', {
		cursor: 'Use the nextCursor of the previous page.'
	});
}
