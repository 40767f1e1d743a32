/**
 * `npm start`: builds the app when the build is missing or older than the sources, then runs
 * the production entry. Plain Node (type stripping), so it works before anything is built.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const builtMarker = path.join(root, 'build', 'handler.js');
const sourceRoots = [
	'src',
	'migrations',
	'static',
	'svelte.config.js',
	'vite.config.ts',
	'package-lock.json'
];

function newestMtime(target: string): number {
	const full = path.join(root, target);
	if (!fs.existsSync(full)) return 0;
	const stat = fs.statSync(full);
	if (!stat.isDirectory()) return stat.mtimeMs;
	let newest = stat.mtimeMs;
	for (const entry of fs.readdirSync(full, { recursive: true, withFileTypes: true })) {
		if (entry.isFile())
			newest = Math.max(newest, fs.statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
	}
	return newest;
}

const builtAt = fs.existsSync(builtMarker) ? fs.statSync(builtMarker).mtimeMs : 0;
const sourcesAt = Math.max(...sourceRoots.map(newestMtime));
if (builtAt < sourcesAt) {
	console.log(
		builtAt
			? 'Sources changed since the last build; rebuilding…'
			: 'Building Commons (first start)…'
	);
	const result = spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], {
		cwd: root,
		stdio: 'inherit'
	});
	if (result.status !== 0) process.exit(result.status ?? 1);
}

await import('../server/index.ts');
