import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openApiDocument } from './openapi.ts';

const API_ROOT = path.resolve('src/routes/api/v1');
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

/** Every /api/v1 endpoint file, as an OpenAPI path with the HTTP methods it exports. */
function apiRoutes(): Map<string, string[]> {
	const routes = new Map<string, string[]>();
	for (const entry of fs.readdirSync(API_ROOT, { recursive: true, withFileTypes: true })) {
		if (entry.name !== '+server.ts') continue;
		const relative = path.relative(API_ROOT, entry.parentPath);
		// The catch-all answers unknown paths with a JSON 404; it is not an endpoint.
		if (relative.includes('[...')) continue;
		const openApiPath =
			'/' +
			relative
				.split(path.sep)
				.filter((segment) => !/^\(.*\)$/.test(segment))
				.map((segment) => segment.replace(/^\[(\w+)(=\w+)?\]$/, '{$1}'))
				.join('/');
		const source = fs.readFileSync(path.join(entry.parentPath, entry.name), 'utf8');
		const methods = METHODS.filter((m) =>
			new RegExp(`export\\s+(async\\s+)?(function|const)\\s+${m}\\b`).test(source)
		);
		routes.set(openApiPath, methods);
	}
	return routes;
}

describe('OpenAPI document', () => {
	const routes = apiRoutes();
	const documented = openApiDocument.paths;

	it('is OpenAPI 3.1 served under /api/v1', () => {
		expect(openApiDocument.openapi).toBe('3.1.0');
		expect(openApiDocument.servers).toEqual([{ url: '/api/v1' }]);
	});

	it('documents every /api/v1 route with the methods it answers', () => {
		expect(routes.size).toBeGreaterThan(0);
		for (const [route, methods] of routes) {
			expect(documented, `${route} is not documented`).toHaveProperty([route]);
			expect(
				Object.keys(documented[route]!)
					.map((m) => m.toUpperCase())
					.sort()
			).toEqual([...methods].sort());
		}
	});

	it('documents no path that has no route', () => {
		for (const documentedPath of Object.keys(documented)) {
			expect(routes.has(documentedPath), `${documentedPath} has no route`).toBe(true);
		}
	});
});
