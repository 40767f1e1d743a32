/**
 * The e2e test API: import `test` and `expect` from here, never from '@playwright/test'.
 *
 * Every page a test visits is checked with axe (WCAG 2.0/2.1 A and AA, WCAG 2.2 AA) in the
 * light and the dark theme. Two layers make sure of it:
 *
 * 1. `visit(page, path)` navigates, waits for the load event and checks the page at once, in
 *    the state the test sees. Use it for every `page.goto`. After a client-side navigation (a
 *    click on a link) or a change that shows new UI (a dialog, a form error), call
 *    `expectAccessible(page)`.
 * 2. The automatic `accessibilityAudit` fixture records every URL the main frame of every page
 *    navigates to, in the test's `context` and in any context the test creates with
 *    `browser.newContext()` / `browser.newPage()` (two users in a realtime test). When the test
 *    has passed, it opens each recorded URL that layer 1 did not check in a new tab of the same
 *    context (so with the same session) and checks it. A URL visited only in a context the test
 *    has already closed cannot be reopened: the test then fails and names it, so check such
 *    pages with `visit`/`expectAccessible` before closing the context.
 *
 * URLs are compared without their #fragment; non-HTML responses (JSON endpoints) are skipped.
 * A failing test is not audited afterwards, so its own error stays the one reported.
 */
import AxeBuilder from '@axe-core/playwright';
import {
	test as base,
	expect,
	type Browser,
	type BrowserContext,
	type Page
} from '@playwright/test';

export { expect };

export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

export type Theme = 'light' | 'dark';
const THEMES: readonly Theme[] = ['light', 'dark'];

/** Pages already checked, per browser context: the same URL can differ between two users. */
const audited = new WeakMap<BrowserContext, Set<string>>();

/** The URL without its fragment, or null for about:blank, data: and other non-web URLs. */
function pageKey(url: string): string | null {
	if (!/^https?:/.test(url)) return null;
	const parsed = new URL(url);
	parsed.hash = '';
	return parsed.href;
}

function markAudited(context: BrowserContext, url: string): void {
	const key = pageKey(url);
	if (!key) return;
	let set = audited.get(context);
	if (!set) audited.set(context, (set = new Set()));
	set.add(key);
}

function describeTarget(target: readonly (string | readonly string[])[]): string {
	return target.map((part) => (typeof part === 'string' ? part : part.join(' >>> '))).join(' ');
}

async function currentTheme(page: Page): Promise<Theme> {
	const dark = await page.evaluate(() => matchMedia('(prefers-color-scheme: dark)').matches);
	return dark ? 'dark' : 'light';
}

/** Runs axe on the page as it is now, in the theme it is in now; fails listing the violations. */
async function expectNoViolations(page: Page, theme: Theme): Promise<void> {
	const { violations } = await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze();
	const path = new URL(page.url()).pathname;
	const report = violations.map((violation) =>
		[
			`• ${violation.id} (${violation.impact ?? 'unknown impact'}): ${violation.help}`,
			`  ${violation.helpUrl}`,
			...violation.nodes.map((node) => `  - ${describeTarget(node.target)}`)
		].join('\n')
	);
	expect(
		violations.length,
		`${violations.length} accessibility violation(s) on ${path} in the ${theme} theme:\n` +
			report.join('\n')
	).toBe(0);
}

/**
 * Checks the page as it is now with axe in the light and the dark theme (or only `themes`),
 * then restores the colour scheme the page had.
 */
export async function expectAccessible(
	page: Page,
	options: { themes?: readonly Theme[] } = {}
): Promise<void> {
	const themes = options.themes ?? THEMES;
	// After a redirect or a click, the page may still be loading its stylesheets: axe then measures
	// unstyled boxes (a 20 px link where the styles give it 24). Measure the page as people see it.
	await page.waitForLoadState('load');
	const initial = await currentTheme(page);
	const path = new URL(page.url()).pathname;
	try {
		for (const theme of themes) {
			await test.step(`axe: ${path} (${theme})`, async () => {
				await page.emulateMedia({ colorScheme: theme });
				await expectNoViolations(page, theme);
			});
		}
	} finally {
		await page.emulateMedia({ colorScheme: initial });
	}
	markAudited(page.context(), page.url());
}

/**
 * Goes to `path` (relative to baseURL), waits for the load event and checks the page in both
 * themes. Returns the navigation response, so tests can assert the status (a 404 is not an error).
 */
export async function visit(page: Page, path: string) {
	const response = await page.goto(path, { waitUntil: 'load' });
	await expectAccessible(page);
	return response;
}

type Recorded = Map<BrowserContext, Set<string>>;

function watchContext(context: BrowserContext, recorded: Recorded, origin: string): void {
	if (recorded.has(context)) return;
	const urls = new Set<string>();
	recorded.set(context, urls);
	const watchPage = (page: Page) => {
		page.on('framenavigated', (frame) => {
			if (frame !== page.mainFrame()) return;
			const key = pageKey(frame.url());
			if (key && new URL(key).origin === origin) urls.add(key);
		});
	};
	context.pages().forEach(watchPage);
	context.on('page', watchPage);
}

/** Opens each recorded, unchecked URL in a new tab of its context and checks it. */
async function auditRecorded(recorded: Recorded): Promise<void> {
	const unreachable: string[] = [];
	for (const [context, urls] of recorded) {
		const pending = () => [...urls].filter((url) => !audited.get(context)?.has(url));
		if (pending().length === 0) continue;
		let tab: Page;
		try {
			tab = await context.newPage();
		} catch {
			unreachable.push(...pending());
			continue;
		}
		try {
			for (const url of pending()) {
				if (audited.get(context)?.has(url)) continue;
				await test.step(`axe audit of visited page ${new URL(url).pathname}`, async () => {
					const response = await tab.goto(url, { waitUntil: 'load' });
					const type = response?.headers()['content-type'] ?? '';
					markAudited(context, url);
					if (type.includes('text/html')) await expectAccessible(tab);
				});
			}
		} finally {
			await tab.close();
		}
	}
	expect(
		unreachable,
		'These pages were visited in a browser context closed before the accessibility audit; ' +
			'check them with visit() or expectAccessible() before closing the context'
	).toEqual([]);
}

/** Records contexts created during the test through `browser.newContext()` (and `newPage()`). */
function watchNewContexts(browser: Browser, onContext: (context: BrowserContext) => void) {
	const original = browser.newContext;
	browser.newContext = async function (this: Browser, ...args) {
		const context = await original.apply(this, args);
		onContext(context);
		return context;
	};
	// The browser is shared by the worker's tests: put its own method back.
	return () => {
		delete (browser as Partial<Browser>).newContext;
		if (browser.newContext !== original) browser.newContext = original;
	};
}

export const test = base.extend<{ accessibilityAudit: void }>({
	accessibilityAudit: [
		async ({ browser, context, baseURL }, use, testInfo) => {
			const origin = new URL(baseURL ?? 'http://127.0.0.1').origin;
			const recorded: Recorded = new Map();
			watchContext(context, recorded, origin);
			const restore = watchNewContexts(browser, (created) =>
				watchContext(created, recorded, origin)
			);
			try {
				await use();
			} finally {
				restore();
			}
			if (testInfo.status !== testInfo.expectedStatus) return;
			await auditRecorded(recorded);
		},
		{ auto: true, title: 'accessibility audit of visited pages' }
	]
});
