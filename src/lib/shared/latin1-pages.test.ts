/**
 * The app shell and the feed's pages write no character beyond Latin-1 into their HTML: V8 keeps
 * such a page as a one-byte string, and encoding it to UTF-8 for the network costs about a sixth
 * of what a two-byte page does (0.03 against 0.18 ms for the 98 KB home feed; with everything
 * else, 11% of the app's CPU per feed page, bench/README.md). One emoji anywhere in a template
 * makes every page using it the slow kind, whatever people wrote. Symbols are drawn by CSS
 * instead (`.glyph`, src/app.css). What people write may hold any character, and does.
 *
 * Checked on what Svelte compiles for the server (comments are gone by then), so a symbol in a
 * string the template shows counts too.
 */
import fs from 'node:fs';
import path from 'node:path';
import { compile } from 'svelte/compiler';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..', '..', '..');
/** Any character beyond Latin-1 (U+00FF), whole code points. */
const BEYOND_LATIN1 = /[\u0100-\u{10ffff}]/gu;

const FOLDERS = [
	'src/lib/components/ui',
	'src/lib/components/feed',
	'src/lib/components/notifications',
	'src/lib/components/search'
];
const ROUTES = [
	'src/routes/+layout.svelte',
	'src/routes/(app)/+layout.svelte',
	'src/lib/components/memo/PendingMemosBanner.svelte',
	'src/routes/(app)/feed/+page.svelte',
	'src/routes/(app)/d/[slug]/+page.svelte'
];

function files(): string[] {
	const inFolders = FOLDERS.flatMap((dir) =>
		fs
			.readdirSync(path.join(ROOT, dir))
			.filter((name) => name.endsWith('.svelte'))
			.map((name) => `${dir}/${name}`)
	);
	return [...inFolders, ...ROUTES];
}

describe('pages kept to Latin-1', () => {
	it('the shell and the feed pages write only Latin-1 characters', () => {
		const offenders: string[] = [];
		for (const file of files()) {
			const source = fs.readFileSync(path.join(ROOT, file), 'utf8');
			const { js } = compile(source, { generate: 'server', filename: file });
			const found = [...new Set(js.code.match(BEYOND_LATIN1) ?? [])];
			if (found.length) offenders.push(`${file}: ${found.join(' ')}`);
		}
		expect(offenders).toEqual([]);
	});

	it('finds a symbol in a template', () => {
		const { js } = compile('<p><span aria-hidden="true">📌</span> Pinned</p>', {
			generate: 'server'
		});
		expect(js.code.match(BEYOND_LATIN1)).toEqual(['📌']);
	});
});
