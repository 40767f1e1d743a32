/**
 * Caching of static files in the production build: everything under /_app/immutable/ has a
 * content hash in its name, so browsers and proxies may keep it for a year without asking again
 * (`immutable`), and it is sent precompressed. Files without a hash and the pages themselves must
 * not be cached that way, or a deploy would leave people on old code.
 */
import { expect, test } from '@playwright/test';

const YEAR_SECONDS = 31_536_000;

function maxAge(cacheControl: string | undefined): number {
	return Number(/max-age=(\d+)/.exec(cacheControl ?? '')?.[1] ?? 0);
}

test('hashed assets are immutable for a year and compressed; pages and other files are not', async ({
	request,
	baseURL
}) => {
	const page = await request.get('/login');
	expect(page.status()).toBe(200);
	expect(page.headers()['cache-control'] ?? '').not.toMatch(/immutable|public/);

	const html = await page.text();
	const assets = [
		...new Set(
			[...html.matchAll(/[./]*\/?_app\/immutable\/[^"'\s)]+\.(?:js|css)/g)].map((m) => m[0])
		)
	].map((href) => new URL(href, `${baseURL}/login`).pathname);
	expect(assets.length).toBeGreaterThan(1);
	expect(assets.some((a) => a.endsWith('.js'))).toBe(true);

	for (const asset of assets) {
		const response = await request.get(asset, { headers: { 'accept-encoding': 'br, gzip' } });
		expect(response.status(), asset).toBe(200);
		const cacheControl = response.headers()['cache-control'];
		expect(cacheControl, asset).toContain('immutable');
		expect(cacheControl, asset).toContain('public');
		expect(maxAge(cacheControl), asset).toBeGreaterThanOrEqual(YEAR_SECONDS);
		expect(response.headers()['content-encoding'], asset).toMatch(/^(br|gzip)$/);
	}

	const icon = await request.get('/favicon.svg');
	expect(icon.status()).toBe(200);
	expect(icon.headers()['cache-control'] ?? '').not.toContain('immutable');
});
