/**
 * Components must not import values from the input schemas: a schema module pulls in zod, about
 * 24 KB gzipped of JavaScript on every page that does (a quarter of the feed's, see
 * `npm run bench:js`). Limits, kinds and labels live in the zod-free DTO modules
 * (`$lib/shared/feeds`, `threads`, `knowledge`, `search`); type-only imports are erased and fine.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..', '..', '..');

/** Pages that still ship zod through a memo schema; move their constants out to drop them. */
const KNOWN = new Set([
	'src/lib/components/memo/MemoForm.svelte',
	'src/routes/(app)/memos/[id=id]/report/+page.svelte',
	'src/routes/(app)/memos/[id=id]/amend/+page.svelte'
]);

function svelteFiles(dir: string): string[] {
	return fs
		.readdirSync(path.join(ROOT, dir), { recursive: true, withFileTypes: true })
		.filter((e) => e.isFile() && e.name.endsWith('.svelte'))
		.map((e) => path.relative(ROOT, path.join(e.parentPath, e.name)));
}

describe('browser code and zod', () => {
	it('components import no values from the input schemas', () => {
		const offenders = [...svelteFiles('src/lib/components'), ...svelteFiles('src/routes')].filter(
			(file) =>
				!KNOWN.has(file) &&
				/import\s+(?!type\b)[^;]*from\s+'\$lib\/shared\/schemas\//.test(
					fs.readFileSync(path.join(ROOT, file), 'utf8')
				)
		);
		expect(offenders).toEqual([]);
	});
});
