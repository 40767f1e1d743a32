/**
 * Live threads in two browsers: a message appears live, typing shows, the unread badge moves, and
 * a browser that goes offline shows every message it missed, once, when it comes back.
 */
import type { Page } from '@playwright/test';
import { signIn } from './auth.ts';
import { expect, expectAccessible, test, visit } from './fixtures.ts';

const alice = 'hannah.fischer@commons.test';
const bob = 'jamal.hassan@commons.test';

async function startThread(page: Page, title: string): Promise<string> {
	await visit(page, '/threads');
	await page.getByLabel('Title').fill(title);
	await page.getByLabel('Where').selectOption('organisation');
	await page.getByRole('button', { name: 'Start thread' }).click();
	await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible();
	await expect(page.getByText(/\d+\s+(person|people)\s+here/)).toBeVisible();
	return new URL(page.url()).pathname;
}

async function send(page: Page, text: string) {
	await page.getByLabel('Message', { exact: true }).fill(text);
	await page.getByLabel('Message', { exact: true }).press('Enter');
}

const log = (page: Page) => page.getByRole('log', { name: 'Messages' });

test('a message, typing and presence reach the other person live', async ({ page, browser }) => {
	const run = Date.now().toString(36);
	await signIn(page, alice);
	const path = await startThread(page, `Budget questions ${run}`);
	await expectAccessible(page);

	const other = await browser.newContext();
	const bobPage = await other.newPage();
	await signIn(bobPage, bob);
	await visit(bobPage, path);
	await expect(page.getByText('2 people here')).toBeVisible();

	await bobPage.getByLabel('Message', { exact: true }).pressSequentially('Hel');
	await expect(page.getByText(/Jamal Hassan is typing/)).toBeVisible();

	await send(page, `Who owns the travel line? ${run}`);
	await expect(log(bobPage).getByText(`Who owns the travel line? ${run}`)).toBeVisible();
	await send(bobPage, `Finance does ${run}`);
	await expect(log(page).getByText(`Finance does ${run}`)).toBeVisible();
	// Each shows once, in order, in both browsers.
	for (const p of [page, bobPage]) {
		await expect(log(p).getByRole('article')).toHaveCount(2);
		await expect(log(p).getByRole('article').first()).toContainText('Who owns the travel line?');
	}
});

test('a link to another thread opens that thread, and what is sent goes there', async ({
	page
}) => {
	const run = Date.now().toString(36);
	await signIn(page, alice);
	const other = await startThread(page, `Printer rota ${run}`);
	const first = await startThread(page, `Office move ${run}`);
	await send(page, `Rota questions go to [the rota thread](${other}) ${run}`);
	// A link inside the app: SvelteKit keeps the page's component, only its data changes.
	await log(page).getByRole('link', { name: 'the rota thread' }).click();
	await expect(page).toHaveURL(new RegExp(`${other}$`));
	await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Printer rota ${run}`);
	await expect(log(page).getByRole('article')).toHaveCount(0);
	await send(page, `Who is on the rota this week? ${run}`);
	await expect(log(page).getByText(`Who is on the rota this week? ${run}`)).toBeVisible();
	// Editing and deleting keep the focus on the message, never at the top of the page.
	const mine = log(page).getByRole('article').filter({ hasText: 'Who is on the rota' });
	await mine.getByRole('button', { name: 'Edit' }).click();
	await expect(page.getByLabel('Edit message')).toBeFocused();
	await page.getByLabel('Edit message').fill(`Who is on the rota next week? ${run}`);
	await page.getByRole('button', { name: 'Save' }).click();
	await expect(log(page).getByText(`Who is on the rota next week? ${run}`)).toBeVisible();
	await expect(mine.getByRole('button', { name: 'Edit' })).toBeFocused();
	page.once('dialog', (dialog) => void dialog.accept());
	await mine.getByRole('button', { name: 'Delete' }).click();
	await expect(log(page).getByText('Message deleted')).toBeFocused();
	await send(page, `Who is on the rota this week? ${run}`);
	await expect(log(page).getByText(`Who is on the rota this week? ${run}`)).toBeVisible();

	// Stored in the thread it was written in, not the one the page was first opened on.
	await visit(page, first);
	await expect(log(page).getByRole('article')).toHaveCount(1);
	await expect(log(page)).not.toContainText('Who is on the rota');
	// A permalink (as search results link) outlines its message.
	await visit(page, `${other}?at=1`);
	await expect(page.locator('#m-1')).toHaveClass(/opened/);
	await expectAccessible(page);
});

test('the unread badge rises live in My threads', async ({ page, browser }) => {
	const run = Date.now().toString(36);
	await signIn(page, alice);
	const path = await startThread(page, `Rota ${run}`);
	const other = await browser.newContext();
	const bobPage = await other.newPage();
	await signIn(bobPage, bob);
	// Opening the thread makes Bob a participant; then he goes back to the list.
	await visit(bobPage, path);
	await visit(bobPage, '/threads');
	const entry = bobPage.getByRole('link', { name: new RegExp(`Rota ${run}`) });
	await expect(entry).toBeVisible();
	await expect(entry).not.toContainText('unread');

	// The navigation shows the total over all of Bob's threads (other tests may leave some).
	const nav = bobPage.getByRole('navigation', { name: 'Primary' });
	const total = async () =>
		Number(
			(
				await nav
					.locator('#threads-unread')
					.textContent({ timeout: 500 })
					.catch(() => '0')
			)?.match(/\d+/)?.[0] ?? 0
		);
	// The badge starts from the API once the page has loaded; wait for that read.
	await bobPage.waitForFunction(() =>
		performance
			.getEntriesByType('resource')
			.some((entry) => entry.name.includes('/api/v1/threads?home=mine'))
	);
	// What the server counts for Bob right now. Tests running beside this one read and write in
	// Bob's other threads, so the badge is compared with the server's count, not a snapshot.
	const serverTotal = async () => {
		const response = await bobPage.request.get('/api/v1/threads?home=mine');
		const { threads } = (await response.json()) as {
			threads: { lastSeq: number; readSeq: number | null }[];
		};
		return threads.reduce((sum, t) => sum + Math.max(0, t.lastSeq - (t.readSeq ?? 0)), 0);
	};
	const badgeMatchesServer = async () => (await total()) === (await serverTotal());
	await send(page, `New rota is out ${run}`);
	await expect(entry).toContainText('1 unread');
	await expect(nav.getByRole('link', { name: 'Threads' })).toHaveAccessibleDescription(
		/unread messages/
	);
	await send(page, `Please check your shifts ${run}`);
	await expect(entry).toContainText('2 unread');
	await expect.poll(badgeMatchesServer).toBe(true);
	expect(await total()).toBeGreaterThanOrEqual(2);
	// Reading the thread takes its messages off the count once the server has recorded it.
	await entry.click();
	await expect(log(bobPage).getByText(`Please check your shifts ${run}`)).toBeVisible();
	await expect.poll(badgeMatchesServer).toBe(true);
	await visit(bobPage, '/threads');
	await expect(bobPage.getByRole('link', { name: new RegExp(`Rota ${run}`) })).not.toContainText(
		'unread'
	);
});

test('a browser that was offline shows every message it missed, once', async ({
	page,
	browser
}) => {
	const run = Date.now().toString(36);
	await signIn(page, alice);
	const path = await startThread(page, `Depot move ${run}`);
	const other = await browser.newContext();
	const bobPage = await other.newPage();
	await signIn(bobPage, bob);
	await visit(bobPage, path);
	await send(page, `Before the tunnel ${run}`);
	await expect(log(bobPage).getByText(`Before the tunnel ${run}`)).toBeVisible();

	await other.setOffline(true);
	// What Bob writes while offline waits, then goes once he is back.
	await send(bobPage, `Written offline ${run}`);
	for (let i = 1; i <= 3; i++) await send(page, `While you were away ${i} ${run}`);
	await other.setOffline(false);

	for (let i = 1; i <= 3; i++)
		await expect(log(bobPage).getByText(`While you were away ${i} ${run}`)).toHaveCount(1);
	await expect(log(page).getByText(`Written offline ${run}`)).toHaveCount(1, { timeout: 20_000 });
	await expect(log(bobPage).getByRole('article')).toHaveCount(5, { timeout: 20_000 });
	await expect(log(page).getByRole('article')).toHaveCount(5);
});
