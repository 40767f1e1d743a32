/**
 * Search in real Chromium: "/" jumps to the header box, suggestions appear as you type and can be
 * chosen by keyboard, Enter opens the results page with the words highlighted, filters narrow it,
 * and a members-only department's content never shows to anyone else. New content is searchable
 * within moments of being written (the outbox worker indexes it).
 */
import { randomBytes } from 'node:crypto';
import type { Page } from '@playwright/test';
import { signIn } from './auth.ts';
import { expect, expectAccessible, test, visit } from './fixtures.ts';

const hannah = 'hannah.fischer@commons.test'; // the Chief Executive's office (agency)
const jamal = 'jamal.hassan@commons.test'; // Transport
const zara = 'zara.ahmed@commons.test'; // Investigations (members-only)

/** A made-up word no earlier run has written (letters only, so it is one search term). */
function word(): string {
	const letters = 'bcdfghjklmnpqrstvwz';
	return `zq${Array.from(randomBytes(7), (b) => letters[b % letters.length]).join('')}`;
}

async function post(page: Page, body: string): Promise<number> {
	const me = await (await page.request.get('/api/v1/me')).json();
	const response = await page.request.post('/api/v1/posts', {
		data: { body, audience: me.department.id }
	});
	expect(response.status(), await response.text()).toBe(201);
	return (await response.json()).id;
}

/** Waits until the search API finds `term` for this page's person (indexing is asynchronous). */
async function untilSearchable(page: Page, term: string) {
	await expect
		.poll(
			async () =>
				(await (await page.request.get(`/api/v1/search?q=${term}`)).json()).hits?.length ?? 0,
			{ timeout: 10_000 }
		)
		.toBeGreaterThan(0);
}

test('"/" jumps to search; suggestions by keyboard; Enter shows highlighted results', async ({
	page
}) => {
	const term = word();
	await signIn(page, jamal);
	const postId = await post(
		page,
		`Timetable change: the ${term} route now runs every ten minutes.`
	);
	await untilSearchable(page, term);

	await visit(page, '/feed');
	await page.locator('body').press('/');
	const box = page.getByRole('combobox', { name: 'Search' });
	await expect(box).toBeFocused();
	await box.pressSequentially(term.slice(0, 6), { delay: 20 });
	const options = page.getByRole('listbox', { name: 'Suggestions' }).getByRole('option');
	await expect(options.first()).toContainText(term);
	await expect(box).toHaveAttribute('aria-expanded', 'true');
	await expectAccessible(page);

	// Arrow down and Enter open the suggestion itself.
	await box.press('ArrowDown');
	await expect(box).toHaveAttribute('aria-activedescendant', 'header-search-option-0');
	await box.press('Enter');
	await expect(page).toHaveURL(new RegExp(`/posts/${postId}`));

	// Typing the whole word and Enter opens the results page, the word highlighted.
	await page.locator('body').press('/');
	await box.fill(term);
	await box.press('Enter');
	await expect(page).toHaveURL(new RegExp(`/search\\?q=${term}`));
	const results = page.getByRole('listitem').filter({ has: page.locator('mark') });
	await expect(results.first().locator('mark').first()).toHaveText(new RegExp(term, 'i'));
	await expect(page.getByRole('navigation', { name: 'Results by type' })).toContainText('Posts');
	await expectAccessible(page);

	// Narrowed to people, the post is gone and the page says why there is nothing.
	await page.getByLabel('Type', { exact: true }).selectOption('person');
	await page.getByRole('button', { name: 'Search' }).click();
	await expect(page.getByRole('heading', { name: `No results for “${term}”` })).toBeVisible();
	// The open type keeps its tab, with its count, though nothing of that type matched.
	const types = page.getByRole('navigation', { name: 'Results by type' });
	await expect(types.getByRole('link', { name: 'People 0' })).toHaveAttribute(
		'aria-current',
		'page'
	);
	await expectAccessible(page);
});

test('the search box finds a knowledge page with the term highlighted', async ({ page }) => {
	const term = word();
	await signIn(page, jamal);
	const created = await page.request.post('/api/v1/pages', {
		data: {
			space: 'transport',
			title: `Winter gritting ${term} routes`,
			body: `Which roads are gritted first when frost is forecast, and who decides (${term}).`
		}
	});
	expect(created.status(), await created.text()).toBe(201);
	const href = (await created.json()).href as string;
	await untilSearchable(page, term);

	await visit(page, '/feed');
	const box = page.getByRole('combobox', { name: 'Search' });
	await box.fill(term);
	await box.press('Enter');
	const hit = page.getByRole('listitem').filter({ hasText: 'Winter gritting' });
	await expect(hit.getByRole('link', { name: /Winter gritting/ })).toHaveAttribute('href', href);
	await expect(hit.locator('h3 mark')).toHaveText(new RegExp(term, 'i'));
	await expect(hit.getByText('Page', { exact: true })).toBeVisible();
	await expectAccessible(page);
	await hit.getByRole('link', { name: /Winter gritting/ }).click();
	await expect(page.getByRole('heading', { level: 1, name: /Winter gritting/ })).toBeVisible();
	await expectAccessible(page);
});

test('a members-only department’s content never shows to others; odd queries get an answer', async ({
	page,
	browser
}) => {
	const term = word();
	await signIn(page, zara);
	await post(page, `Interview notes ${term}: confidential.`);
	await untilSearchable(page, term);

	const other = await browser.newContext();
	const hannahPage = await other.newPage();
	await signIn(hannahPage, hannah);
	await visit(hannahPage, `/search?q=${term}`);
	await expect(hannahPage.getByRole('heading', { name: `No results for “${term}”` })).toBeVisible();
	const api = await (await hannahPage.request.get(`/api/v1/search?q=${term}`)).json();
	expect(api.hits).toEqual([]);
	expect(api.counts).toEqual({});
	const suggestions = await (
		await hannahPage.request.get(`/api/v1/search/suggest?q=${term.slice(0, 5)}`)
	).json();
	expect(suggestions.suggestions).toEqual([]);
	await expectAccessible(hannahPage);

	// Unbalanced quotes, SQL, only common words: a sensible page, never an error.
	for (const q of ['"unbalanced', "'; drop table post; --", 'the and of', '🙂🙂']) {
		const response = await hannahPage.goto(`/search?q=${encodeURIComponent(q)}`);
		expect(response?.status(), q).toBe(200);
		await expect(hannahPage.getByRole('heading', { level: 1, name: 'Search' })).toBeVisible();
	}
	// The context stays open: the audit fixture checks each of those pages after the test.
	await expectAccessible(hannahPage);
});

test('the "/" shortcut can be turned off', async ({ page }) => {
	await signIn(page, hannah);
	await visit(page, '/search');
	const toggle = page.getByLabel('Press / on any page to jump to the search box');
	await expect(toggle).toBeChecked();
	await toggle.uncheck();
	await visit(page, '/feed');
	await page.locator('body').press('/');
	await expect(page.getByRole('combobox', { name: 'Search' })).not.toBeFocused();
	await visit(page, '/search');
	await page.getByLabel('Press / on any page to jump to the search box').check();
	await expectAccessible(page);
});
