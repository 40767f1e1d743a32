import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { ValidationError } from './errors.ts';
import { findUnstorable, parseInput, UNSTORABLE_MESSAGE } from './validation.ts';

describe('parseInput', () => {
	const schema = z.object({ body: z.string(), tags: z.array(z.string()).default([]) });

	it('refuses text PostgreSQL cannot store before the schema sees it, naming the field', () => {
		for (const [input, field] of [
			[{ body: 'a\u0000b' }, 'body'],
			[{ body: 'ok', tags: ['fine', '\ud800'] }, 'tags.1'],
			[{ body: 'ok', 'x\u0000': 1 }, 'x\u0000'],
			['\udfff', 'form']
		] as const) {
			let error: unknown;
			try {
				parseInput(schema, input);
			} catch (e) {
				error = e;
			}
			expect(error).toBeInstanceOf(ValidationError);
			expect((error as ValidationError).fields).toEqual({ [field]: UNSTORABLE_MESSAGE });
		}
	});

	it('lets through what can be stored: emoji, accents, right-to-left and zero-width text', () => {
		const body = '👩‍👩‍👧‍👦 café \u202eevil\u202c \u200b e\u0301';
		expect(findUnstorable({ body })).toBeNull();
		expect(parseInput(schema, { body })).toEqual({ body, tags: [] });
	});
});
