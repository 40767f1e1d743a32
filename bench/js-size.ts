/**
 * `npm run bench:js`: the JavaScript (and CSS) each page route ships, from the production build.
 *
 * For every page route it takes what SvelteKit's server manifest says a first visit loads: the
 * client entry (`start`, `app` and their imports) and the `imports` and `stylesheets` of each
 * node the route renders (its layouts and its page), which the page's HTML preloads. Files are
 * counted once per route, and measured raw, gzipped (level 9, as `precompress` writes the `.gz`
 * files the server sends) and with Brotli when the build has `.br` files. Code a page loads
 * later with a dynamic `import()` is not counted.
 *
 * Prints a table, largest first, and the feed's verdict against its target (under 100 KB
 * gzipped), and writes bench/results/js-size.json. `--build` runs `vite build` first.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { ensureBuild, ROOT } from './lib/app.ts';
import { gitState, machineInfo } from './lib/report.ts';

const OUTPUT = path.join(ROOT, '.svelte-kit', 'output');
const CLIENT = path.join(OUTPUT, 'client');
const BUILD_CLIENT = path.join(ROOT, 'build', 'client');
export const FEED_ROUTE = '/(app)/feed';
export const FEED_TARGET_GZIP_BYTES = 100 * 1024;

type ServerManifest = {
	_: {
		client: { start: string; app: string; imports: string[]; stylesheets: string[] };
		routes: { id: string; page: { layouts: (number | undefined)[]; leaf: number } | null }[];
	};
};

export type RouteSize = {
	route: string;
	files: number;
	js: { raw: number; gzip: number; brotli: number | null };
	css: { raw: number; gzip: number };
};

/** `imports` and `stylesheets` of a server node file (JSON arrays in generated code). */
function nodeAssets(index: number): { imports: string[]; stylesheets: string[] } {
	const text = fs.readFileSync(path.join(OUTPUT, 'server', 'nodes', `${index}.js`), 'utf8');
	const read = (name: string): string[] => {
		const match = new RegExp(`export const ${name} = (\\[[^\\]]*\\]);`).exec(text);
		return match ? (JSON.parse(match[1]!) as string[]) : [];
	};
	return { imports: read('imports'), stylesheets: read('stylesheets') };
}

const sizes = new Map<string, { raw: number; gzip: number; brotli: number | null }>();
function sizeOf(file: string) {
	let size = sizes.get(file);
	if (!size) {
		const bytes = fs.readFileSync(path.join(CLIENT, file));
		const br = path.join(BUILD_CLIENT, `${file}.br`);
		size = {
			raw: bytes.length,
			gzip: gzipSync(bytes, { level: 9 }).length,
			brotli: fs.existsSync(br) ? fs.statSync(br).size : null
		};
		sizes.set(file, size);
	}
	return size;
}

/** The shipped size of every page route of the last build, largest JavaScript first. */
export async function measureRoutes(): Promise<RouteSize[]> {
	const manifestFile = path.join(OUTPUT, 'server', 'manifest.js');
	if (!fs.existsSync(manifestFile))
		throw new Error(`${manifestFile} is missing: run \`npx vite build\` (or pass --build)`);
	const { manifest } = (await import(pathToFileURL(manifestFile).href)) as {
		manifest: ServerManifest;
	};
	const client = manifest._.client;
	const result: RouteSize[] = [];
	for (const route of manifest._.routes) {
		if (!route.page) continue;
		const nodes = [...route.page.layouts, route.page.leaf].filter(
			(n): n is number => typeof n === 'number'
		);
		const js = new Set<string>([client.start, client.app, ...client.imports]);
		const css = new Set<string>(client.stylesheets);
		for (const node of nodes) {
			const assets = nodeAssets(node);
			for (const f of assets.imports) js.add(f);
			for (const f of assets.stylesheets) css.add(f);
		}
		const sum = (files: Set<string>) =>
			[...files].map(sizeOf).reduce(
				(a, s) => ({
					raw: a.raw + s.raw,
					gzip: a.gzip + s.gzip,
					brotli: a.brotli === null || s.brotli === null ? null : a.brotli + s.brotli
				}),
				{ raw: 0, gzip: 0, brotli: 0 as number | null }
			);
		const cssSum = sum(css);
		result.push({
			route: route.id,
			files: js.size,
			js: sum(js),
			css: { raw: cssSum.raw, gzip: cssSum.gzip }
		});
	}
	return result.sort((a, b) => b.js.gzip - a.js.gzip || a.route.localeCompare(b.route));
}

const kb = (bytes: number | null) => (bytes === null ? '-' : (bytes / 1024).toFixed(1));

export function formatRoutes(routes: RouteSize[]): string {
	const header = ['route', 'files', 'JS KB', 'JS gzip KB', 'JS br KB', 'CSS gzip KB'];
	const rows = routes.map((r) => [
		r.route,
		String(r.files),
		kb(r.js.raw),
		kb(r.js.gzip),
		kb(r.js.brotli),
		kb(r.css.gzip)
	]);
	const widths = header.map((_, i) => Math.max(...[header, ...rows].map((row) => row[i]!.length)));
	return [header, ...rows]
		.map((row) =>
			row
				.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!)))
				.join('  ')
		)
		.join('\n');
}

if (import.meta.main) {
	ensureBuild((m) => console.error(m), process.argv.includes('--build'));
	const routes = await measureRoutes();
	console.log(formatRoutes(routes));
	const feed = routes.find((r) => r.route === FEED_ROUTE);
	if (feed)
		console.log(
			`\n${FEED_ROUTE}: ${kb(feed.js.gzip)} KB of JavaScript gzipped (target under ` +
				`${FEED_TARGET_GZIP_BYTES / 1024} KB: ${feed.js.gzip < FEED_TARGET_GZIP_BYTES ? 'met' : 'NOT met'})`
		);
	const file = path.join(ROOT, 'bench', 'results', 'js-size.json');
	fs.mkdirSync(path.dirname(file), { recursive: true });
	fs.writeFileSync(
		file,
		`${JSON.stringify(
			{
				timestamp: new Date().toISOString(),
				machine: machineInfo(),
				git: gitState(ROOT),
				feedTargetGzipBytes: FEED_TARGET_GZIP_BYTES,
				routes
			},
			null,
			'\t'
		)}\n`
	);
	console.log(`JSON: ${path.relative(process.cwd(), file)}`);
}
