/**
 * The app shell in the production build: landmarks, navigation, themes, small screens, the
 * error page and the health endpoints. Pages are opened with `visit`, which also runs axe.
 */
import { expect, expectAccessible, test, visit } from './fixtures.ts';
import { signIn } from './auth.ts';

const SECTIONS = [
	{ label: 'Feed', path: '/feed', heading: 'Feed' },
	{ label: 'Threads', path: '/threads', heading: 'Threads' },
	{ label: 'Knowledge', path: '/kb', heading: 'Knowledge' },
	{ label: 'Memos', path: '/memos', heading: 'Memos' },
	{ label: 'People', path: '/people', heading: 'People' },
	{ label: 'Search', path: '/search', heading: 'Search' }
];

/** Relative luminance (WCAG) of a computed `rgb(r, g, b)` colour. */
function luminance(rgb: string): number {
	const [r, g, b] = (rgb.match(/\d+(\.\d+)?/g) ?? []).slice(0, 3).map((part) => {
		const c = Number(part) / 255;
		return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
	});
	return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

test.beforeEach(async ({ page }) => {
	await signIn(page);
});

test('the root address opens the feed', async ({ page }) => {
	await visit(page, '/');
	await expect(page).toHaveURL('/feed');
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Feed');
});

test('the shell has a banner, the primary navigation and a main landmark', async ({ page }) => {
	await visit(page, '/feed');

	const banner = page.getByRole('banner');
	await expect(banner.getByRole('link', { name: 'Commons' })).toBeVisible();

	const nav = page.getByRole('navigation', { name: 'Primary' });
	await expect(nav).toBeVisible();
	await expect(nav.getByRole('link')).toHaveText(SECTIONS.map((s) => s.label));

	await expect(page.getByRole('main')).toHaveCount(1);
	await expect(page.getByRole('contentinfo')).toContainText('Commons');
});

test('the skip link is the first stop for the keyboard and moves focus to main', async ({
	page
}) => {
	// Search: its main holds a form field, so the Tab after the skip link has somewhere to go.
	await visit(page, '/search');

	const skip = page.getByRole('link', { name: 'Skip to main content' });
	await expect(skip).not.toBeInViewport();

	await page.keyboard.press('Tab');
	await expect(skip).toBeFocused();
	await expect(skip).toBeInViewport();

	await page.keyboard.press('Enter');
	await expect(page.locator('main#main')).toBeFocused();
	await expect(page).toHaveURL('/search#main');

	// The next Tab continues inside main, not back in the header.
	await page.keyboard.press('Tab');
	await expect(page.getByRole('searchbox', { name: /^Words, a phrase/ })).toBeFocused();
});

test('each navigation link opens its page and is marked as the current one', async ({ page }) => {
	await visit(page, '/feed');
	const nav = page.getByRole('navigation', { name: 'Primary' });
	await expect(nav.getByRole('link', { name: 'Feed' })).toHaveAttribute('aria-current', 'page');

	// Feed last: it is where we start.
	for (const section of [...SECTIONS.slice(1), SECTIONS[0]!]) {
		await nav.getByRole('link', { name: section.label }).click();
		await expect(page).toHaveURL(section.path);
		await expect(page.getByRole('heading', { level: 1 })).toHaveText(section.heading);
		await expect(page).toHaveTitle(`${section.heading} · Commons`);

		const current = nav.locator('[aria-current="page"]');
		await expect(current).toHaveCount(1);
		await expect(current).toHaveText(section.label);

		await expectAccessible(page);
	}
});

test('the People page lists the demo organisation', async ({ page }) => {
	await visit(page, '/people');
	const people = page.getByRole('list', { name: 'People' });
	await expect(people.getByRole('listitem').filter({ hasText: 'Alex Morgan' })).toHaveCount(1);
	await expect(people.getByRole('listitem').filter({ hasText: 'Grace Okafor' })).toHaveCount(1);
	expect(await people.getByRole('listitem').count()).toBeGreaterThan(10);
});

test('the Knowledge page lists the organisation’s space and the department tree', async ({
	page
}) => {
	await visit(page, '/kb');
	const spaces = page.getByRole('region', { name: 'Spaces' });
	await expect(spaces.getByRole('link', { name: 'Organisation' })).toBeVisible();
	const departments = spaces.getByRole('list', { name: 'Department spaces' });
	await expect(departments.getByRole('listitem').first()).toBeVisible();
	await expect(departments.getByRole('link', { name: 'Finance' })).toBeVisible();
});

test('the dark theme follows the system setting', async ({ page }) => {
	await visit(page, '/feed');
	const colours = () =>
		page.evaluate(() => {
			const style = getComputedStyle(document.body);
			return { background: style.backgroundColor, text: style.color };
		});

	await page.emulateMedia({ colorScheme: 'light' });
	const light = await colours();
	await page.emulateMedia({ colorScheme: 'dark' });
	const dark = await colours();

	expect(dark.background).not.toBe(light.background);
	expect(luminance(light.background)).toBeGreaterThan(0.8);
	expect(luminance(dark.background)).toBeLessThan(0.05);
	// Text flips too, so it stays readable.
	expect(luminance(dark.text)).toBeGreaterThan(0.6);
});

test('every section fits a 360 px wide screen without horizontal scrolling', async ({ page }) => {
	await page.setViewportSize({ width: 360, height: 780 });
	for (const section of SECTIONS) {
		await visit(page, section.path);
		await expect(page.getByRole('heading', { level: 1 })).toHaveText(section.heading);
		const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
		expect(scrollWidth, `document width on ${section.path}`).toBeLessThanOrEqual(360);
	}
	// The header's search box takes a row of its own rather than shrinking to nothing.
	const box = await page.getByRole('combobox', { name: 'Search' }).boundingBox();
	expect(box?.width).toBeGreaterThan(280);
	// The navigation scrolls inside itself; its last link is still reachable.
	const nav = page.getByRole('navigation', { name: 'Primary' });
	await nav.getByRole('link', { name: 'Search' }).click();
	await expect(page).toHaveURL('/search');
});

test('an unknown address shows the friendly 404 page with a reference', async ({ page }) => {
	const response = await visit(page, '/no-such-page/here');
	expect(response?.status()).toBe(404);

	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Page not found');
	await expect(page).toHaveTitle('Not found · Commons');
	await expect(page.getByText('We could not find that page.')).toBeVisible();

	const reference = page.locator('main code');
	await expect(reference).toHaveText(
		/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
	);
	// The reference is the request id the server logged.
	expect(await reference.textContent()).toBe(response?.headers()['x-request-id']);

	const text = await page.locator('body').innerText();
	expect(text).not.toMatch(/\bat \S+ \(|node_modules|\.(js|ts):\d+|Error:/);

	await page.getByRole('link', { name: 'Go to your feed' }).click();
	await expect(page).toHaveURL('/feed');
	await expectAccessible(page);
});

test('the health endpoints report a live, ready server', async ({ request }) => {
	const ready = await request.get('/readyz');
	expect(ready.status()).toBe(200);
	expect(ready.headers()['content-type']).toContain('application/json');
	expect(await ready.json()).toMatchObject({
		ready: true,
		status: 'ready',
		database: 'ok',
		pendingMigrations: []
	});

	const health = await request.get('/healthz');
	expect(health.status()).toBe(200);
	expect(await health.json()).toMatchObject({ status: 'ok' });
});
