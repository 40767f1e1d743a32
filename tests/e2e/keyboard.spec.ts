/**
 * The core journeys with the keyboard alone (issue 10): post to the feed, reply in a thread,
 * acknowledge a memo, edit a knowledge page, search. After loading a page the test only presses
 * keys: Tab moves through the page until the control it wants has focus, and at every stop the
 * focused element must show a visible focus indicator (an outline of at least 2 px, or a box
 * shadow). New thread messages arrive in a polite live region, and reduced motion is respected.
 */
import { randomBytes } from 'node:crypto';
import type { Locator, Page } from '@playwright/test';
import { sessionCookie, signIn } from './auth.ts';
import { expect, expectAccessible, test, visit } from './fixtures.ts';

const hannah = 'hannah.fischer@commons.test';
const jamal = 'jamal.hassan@commons.test';
const unique = (text: string) => `${text} ${randomBytes(3).toString('hex')}`;

/** What the focused element looks like: enough to tell whether focus is visible. */
async function focusIndicator(page: Page) {
	return page.evaluate(() => {
		const el = document.activeElement as HTMLElement | null;
		if (!el || el === document.body) return null;
		const style = getComputedStyle(el);
		return {
			description: `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''} “${(el.getAttribute('aria-label') ?? el.textContent ?? '').trim().slice(0, 40)}”`,
			outline: style.outlineStyle !== 'none' ? parseFloat(style.outlineWidth) : 0,
			shadow: style.boxShadow !== 'none'
		};
	});
}

async function expectVisibleFocus(page: Page) {
	const focus = await focusIndicator(page);
	expect(focus, 'something has focus').not.toBeNull();
	expect(
		focus!.outline >= 2 || focus!.shadow,
		`focus is visible on ${focus!.description} (outline ${focus!.outline}px)`
	).toBe(true);
}

/**
 * Presses Tab (or Shift+Tab) until `target` has focus, checking that focus is visible at every
 * stop on the way. Fails after `max` presses: the control cannot be reached by keyboard.
 */
async function tabTo(page: Page, target: Locator, { max = 80, back = false } = {}) {
	for (let i = 0; i < max; i++) {
		await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
		await expectVisibleFocus(page);
		if (await target.evaluate((el) => el === document.activeElement)) return;
	}
	throw new Error(`could not reach ${target} with the keyboard in ${max} presses`);
}

test('post to the feed with the keyboard alone', async ({ page }) => {
	const text = unique('Keyboard-only post');
	await signIn(page, hannah);
	await visit(page, '/feed');
	await tabTo(page, page.getByLabel('Your post'));
	await page.keyboard.type(text);
	await tabTo(page, page.getByRole('button', { name: 'Post', exact: true }));
	await page.keyboard.press('Enter');
	await expect(page.getByText('Posted.', { exact: true })).toBeVisible();
	// Focus comes back to the field, ready for the next post, and the post is one link away.
	await expect(page.getByLabel('Your post')).toBeFocused();
	await expect(page.getByRole('link', { name: 'View your post' })).toHaveAttribute(
		'href',
		/^\/posts\/\d+$/
	);
	await expect(page.getByRole('article').filter({ hasText: text })).toBeVisible();
	await expectAccessible(page);
});

test('reply in a thread with the keyboard alone; the other person hears it politely', async ({
	page,
	browser
}) => {
	const title = unique('Keyboard thread');
	await signIn(page, hannah);
	await visit(page, '/threads');
	await tabTo(page, page.getByLabel('Title'));
	await page.keyboard.type(title);
	await tabTo(page, page.getByLabel('Where'));
	// A native select: the arrow keys choose without opening it.
	await page.keyboard.press('Home');
	await expect(page.getByLabel('Where')).toHaveValue('organisation');
	await tabTo(page, page.getByRole('button', { name: 'Start thread' }));
	await page.keyboard.press('Enter');
	await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible();
	const path = new URL(page.url()).pathname;

	const other = await browser.newContext();
	const jamalPage = await other.newPage();
	await signIn(jamalPage, jamal);
	await visit(jamalPage, path);
	// Messages arrive in a log that is a polite live region.
	const messages = jamalPage.getByRole('log', { name: 'Messages' });
	await expect(messages).toHaveAttribute('aria-live', 'polite');

	await tabTo(page, page.getByLabel('Message', { exact: true }));
	await page.keyboard.type('Typed and sent without a mouse');
	await page.keyboard.press('Enter');
	await expect(messages.getByText('Typed and sent without a mouse')).toBeVisible();
	await expectAccessible(jamalPage);
});

test('acknowledge a memo with the keyboard alone', async ({ page, playwright, baseURL }) => {
	// The communications team issues a memo to Transport through the API.
	const signInContext = await playwright.request.newContext({ baseURL });
	const cookie = await sessionCookie(signInContext, baseURL!, 'comms@commons.test');
	await signInContext.dispose();
	const issuer = await playwright.request.newContext({
		baseURL,
		extraHTTPHeaders: { cookie, origin: baseURL! }
	});
	const title = unique('Keyboard memo');
	await signIn(page, jamal);
	const transport = (await (await page.request.get('/api/v1/me')).json()).department.id;
	const me = (await (await issuer.get('/api/v1/me')).json()).department.id;
	const draft = await issuer.post('/api/v1/memos', {
		data: {
			title,
			body: 'Wear the high-visibility vest on site.',
			category: 'instruction',
			issuingDepartmentId: me,
			dueOn: new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10),
			attestation: 'I will wear the vest on site.',
			audience: [{ kind: 'department', departmentId: transport }]
		}
	});
	expect(draft.status(), await draft.text()).toBe(201);
	const memoId = (await draft.json()).id;
	expect((await issuer.post(`/api/v1/memos/${memoId}/publish`, { data: {} })).status()).toBe(200);
	await issuer.dispose();

	// From the banner, by keyboard.
	await visit(page, '/feed');
	await tabTo(page, page.getByRole('link', { name: title }));
	await page.keyboard.press('Enter');
	await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible();
	await tabTo(page, page.getByLabel('I will wear the vest on site.'));
	await page.keyboard.press('Space');
	await expect(page.getByLabel('I will wear the vest on site.')).toBeChecked();
	await tabTo(page, page.getByRole('button', { name: /I have read and understood/ }));
	await page.keyboard.press('Enter');
	await expect(page.getByText(/You acknowledged version 1 on/)).toBeVisible();
	await expectAccessible(page);
});

test('edit a knowledge page with the keyboard alone', async ({ page, baseURL }) => {
	const line = unique('Edited by keyboard');
	await signIn(page, jamal);
	// A page of his own department's space, made through the API.
	const created = await page.request.post('/api/v1/pages', {
		headers: { origin: baseURL! },
		data: { space: 'transport', title: unique('Winter timetable'), body: 'Buses every 12 minutes.' }
	});
	expect(created.status(), await created.text()).toBe(201);
	const { path } = (await created.json()) as { path: string };
	await visit(page, `/kb/transport/${path}`);
	await tabTo(page, page.getByRole('link', { name: 'Edit page' }));
	await page.keyboard.press('Enter');
	const body = page.getByLabel('Page text');
	await expect(body).toBeVisible();
	await tabTo(page, body);
	await page.keyboard.press('ControlOrMeta+End');
	await page.keyboard.type(`\n\n${line}`);
	await tabTo(page, page.getByRole('button', { name: 'Save page' }));
	await page.keyboard.press('Enter');
	await expect(page.getByRole('article').getByText(line)).toBeVisible();
	await expectAccessible(page);
});

test('search with the keyboard alone', async ({ page }) => {
	await signIn(page, hannah);
	await visit(page, '/feed');
	await page.keyboard.press('/');
	const box = page.getByRole('combobox', { name: /Search/ });
	await expect(box).toBeFocused();
	await expectVisibleFocus(page);
	await page.keyboard.type('code of conduct');
	await page.keyboard.press('Enter');
	await expect(page.getByRole('heading', { level: 1, name: /Search/ })).toBeVisible();
	const result = page.getByRole('link', { name: /Code of conduct/i }).first();
	await tabTo(page, result, { max: 120 });
	await page.keyboard.press('Enter');
	await expect(page.getByRole('heading', { level: 1, name: /Code of conduct/i })).toBeVisible();
	await expectAccessible(page);
});

test('reduced motion turns transitions and animations off', async ({ browser, baseURL }) => {
	const context = await browser.newContext({ baseURL, reducedMotion: 'reduce' });
	const page = await context.newPage();
	await signIn(page, hannah);
	await visit(page, '/feed');
	const longest = await page.evaluate(() => {
		let max = 0;
		for (const el of Array.from(document.querySelectorAll('*'))) {
			const style = getComputedStyle(el);
			for (const value of [style.transitionDuration, style.animationDuration])
				for (const part of value.split(','))
					max = Math.max(max, parseFloat(part) * (part.trim().endsWith('ms') ? 1 : 1000));
		}
		return max;
	});
	expect(longest, 'the longest transition or animation, in ms').toBeLessThanOrEqual(1);
	await context.close();
});
