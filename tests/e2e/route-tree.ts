/**
 * What the app answers to, read from its source: SvelteKit's route tree (pages, form actions,
 * endpoints) and the OpenAPI document of /api/v1. Shared by the anonymous-access and the
 * authorisation-matrix specs, so a route added later is seen by both without touching them.
 */
import fs from 'node:fs';
import path from 'node:path';

const ROUTES = path.resolve('src/routes');
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

export type Probe = {
	/** A concrete URL: groups dropped, parameters filled with plausible values. */
	path: string;
	method: string;
	/** The form action (`default` for the unnamed one). */
	action?: string;
	/** The route as declared: groups dropped, parameters kept (`/posts/[id=id]`). */
	route: string;
};

function segmentsOf(dir: string): string[] {
	return path
		.relative(ROUTES, dir)
		.split(path.sep)
		.filter((s) => s && !/^\(.*\)$/.test(s));
}

/** A concrete URL for a route directory: groups dropped, parameters filled with plausible values. */
export function urlFor(dir: string): string {
	const segments = segmentsOf(dir).map((s) =>
		s
			.replace(/^\[\.\.\.\w+\]$/, 'a/b')
			.replace(/^\[\[?(\w+)(=\w+)?\]?\]$/, (_, _name, matcher) => (matcher === '=id' ? '1' : 'x'))
	);
	return '/' + segments.join('/');
}

/** Every page (GET), form action (POST) and endpoint method under src/routes. */
export function probes(): Probe[] {
	const found: Probe[] = [];
	for (const entry of fs.readdirSync(ROUTES, { recursive: true, withFileTypes: true })) {
		const dir = entry.parentPath;
		const file = path.join(dir, entry.name);
		const url = urlFor(dir);
		const route = '/' + segmentsOf(dir).join('/');
		if (entry.name === '+page.svelte') found.push({ path: url, method: 'GET', route });
		if (entry.name === '+page.server.ts') {
			const source = fs.readFileSync(file, 'utf8');
			const block = source.match(/export const actions\s*=\s*\{([\s\S]*)\};?\s*$/)?.[1] ?? '';
			for (const [, name] of block.matchAll(/^\t(\w+):\s*async/gm))
				found.push({ path: url, method: 'POST', action: name, route });
		}
		if (entry.name === '+server.ts') {
			const source = fs.readFileSync(file, 'utf8');
			for (const method of METHODS) {
				if (new RegExp(`export\\s+(async\\s+)?(function|const)\\s+${method}\\b`).test(source))
					found.push({ path: url, method, route });
			}
			if (/export\s+(async\s+)?(function|const)\s+fallback\b/.test(source))
				found.push({ path: url, method: 'GET', route });
		}
	}
	return found;
}

export type OpenApiDocument = {
	paths: Record<string, Record<string, { security?: unknown[]; operationId?: string }>>;
};

export type OpenApiProbe = {
	/** A concrete URL with every `{parameter}` set to 1. */
	path: string;
	method: string;
	/** The documented path template, e.g. `/posts/{id}`. */
	template: string;
	operationId: string;
	/** Documented with `security: []`. */
	open: boolean;
};

/** Every operation of the OpenAPI document. */
export function openApiProbes(document: OpenApiDocument): OpenApiProbe[] {
	return Object.entries(document.paths).flatMap(([route, operations]) =>
		Object.entries(operations)
			.filter(([method]) => method !== 'parameters')
			.map(([method, operation]) => ({
				path: '/api/v1' + route.replace(/\{\w+\}/g, '1'),
				method: method.toUpperCase(),
				template: route,
				operationId: operation.operationId ?? '',
				open: Array.isArray(operation.security) && operation.security.length === 0
			}))
	);
}
