/**
 * Notifications in two browsers: a mention in a thread raises the other person's bell live (and
 * the polite live region says so), the centre groups it under the thread, and its link lands on
 * the exact message and takes it off the count. Also: the settings page, the one-click
 * unsubscribe URL (a cross-site POST with no Origin gets through to its signature check while
 * other cross-site form posts are refused), and the administration page saying e-mail is off.
 */
import type { Page } from '@playwright/test';
import { signIn } from './auth.ts';
import { expect, expectAccessible, test, visit } from './fixtures.ts';

const alice = 'hannah.fischer@commons.test';
// Nobody else's tests mention Anna, so her count moves only with this test (memos issued to the
// whole organisation by other tests can still add to it: the checks compare with "before").
const anna = 'anna.kowalski@commons.test';

const bell = (page: Page) => page.getByRole('link', { name: /^Notifications, / });
async function unread(page: Page): Promise<number> {
	return Number((await bell(page).getAttribute('data-unread')) ?? 0);
}

test('a mention in a thread raises the other person’s bell live and its link lands on the message', async ({
	page,
	browser
}) => {
	const run = Date.now().toString(36);
	const title = `Fleet budget ${run}`;
	await signIn(page, alice);
	await visit(page, '/threads');
	await page.getByLabel('Title').fill(title);
	await page.getByLabel('Where').selectOption('organisation');
	await page.getByRole('button', { name: 'Start thread' }).click();
	await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible();
	await expect(page.getByText(/\d+\s+(person|people)\s+here/)).toBeVisible();

	const other = await browser.newContext();
	const annaPage = await other.newPage();
	await signIn(annaPage, anna);
	const me = (await (await annaPage.request.get('/api/v1/me')).json()) as { id: number };
	// The live connection is up (and has sent its count) before anything happens.
	await expect(annaPage.getByRole('status').filter({ hasText: 'Live updates:' })).toHaveText(
		/Live updates: Live/
	);
	await expect(bell(annaPage)).toBeVisible();
	const before = await unread(annaPage);

	const composer = page.getByLabel('Message', { exact: true });
	await composer.fill(`Could you check the van numbers [@Anna Kowalski](/people/${me.id}) ${run}?`);
	await composer.press('Enter');
	const sent = page.getByRole('log', { name: 'Messages' }).getByRole('article').last();
	await expect(sent).toContainText(`Could you check the van numbers`);

	// Anna's bell rises without a reload, and the polite live region says so.
	await expect.poll(() => unread(annaPage)).toBeGreaterThan(before);
	await expect(bell(annaPage)).toHaveAccessibleName(/^Notifications, \d+ unread$/);
	await expect(annaPage.locator('.bell-announcer')).toHaveText(/^\s*\d+ unread notifications?\s*$/);
	await expectAccessible(annaPage);

	await bell(annaPage).click();
	await expect(annaPage).toHaveURL(/\/notifications$/);
	await expect(annaPage.getByRole('heading', { level: 1, name: 'Notifications' })).toBeVisible();
	const group = annaPage.getByRole('link', {
		name: `Hannah Fischer mentioned you in ${title}`
	});
	await expect(group).toBeVisible();
	await expectAccessible(annaPage);
	const countOnList = await unread(annaPage);

	await group.click();
	await expect(annaPage).toHaveURL(/\/threads\/\d+\?at=(\d+)#m-\1$/);
	const seq = new URL(annaPage.url()).searchParams.get('at');
	const message = annaPage.locator(`#m-${seq}`);
	await expect(message).toContainText(`Could you check the van numbers`);
	await expect(message).toContainText(run);
	await expect(message).toBeInViewport();
	// Opening it marked it read, and the bell follows. Other tests may notify Anna meanwhile (a
	// memo to everyone), so the check is this thread's group, and the bell agreeing with the
	// server's count, rather than the bell's number alone (it once read 5, not 4 - 1).
	const mine = async () => {
		const page = (await (await annaPage.request.get('/api/v1/notifications')).json()) as {
			groups: { subject: { title: string }; unread: number }[];
			unread: number;
		};
		return { page, group: page.groups.find((g) => g.subject.title === title) };
	};
	await expect.poll(async () => (await mine()).group?.unread).toBe(0);
	await expect.poll(async () => (await unread(annaPage)) === (await mine()).page.unread).toBe(true);
	expect(countOnList).toBeGreaterThan(0);
	await expectAccessible(annaPage);
	await other.close();
});

test('notification settings are saved, and only the unsubscribe URL takes a cross-site post', async ({
	page,
	baseURL
}) => {
	await signIn(page, anna);
	await visit(page, '/notifications/settings');
	await expect(page.getByText('E-mail is not set up on this server')).toBeVisible();
	const threads = page.getByRole('group', { name: 'Threads you take part in' });
	await expect(threads.getByLabel('Off')).toBeChecked();
	await threads.getByLabel('Only in Commons').check();
	// Memos someone must acknowledge cannot be turned off: no such choice is offered.
	const memos = page.getByRole('group', { name: 'Memos for you' });
	await expect(memos.getByLabel('Off')).toHaveCount(0);
	await page.getByLabel('Hour').selectOption('7');
	await page.getByLabel('Time zone').selectOption('Europe/Warsaw');
	await page.getByRole('button', { name: 'Save settings' }).click();
	await expect(
		page.getByRole('status').filter({ hasText: 'Your notification settings are saved.' })
	).toBeVisible();
	await visit(page, '/notifications/settings');
	await expect(
		page.getByRole('group', { name: 'Threads you take part in' }).getByLabel('Only in Commons')
	).toBeChecked();
	await expect(page.getByLabel('Time zone')).toHaveValue('Europe/Warsaw');
	await expect(page.getByLabel('Hour')).toHaveValue('7');

	// A mail provider's RFC 8058 one-click POST: no session, no Origin. It reaches the signature
	// check (a bad signature is refused there), while any other cross-site form post is refused.
	const oneClick = await page.request.fetch(`${baseURL}/unsubscribe?u=1&c=mention&s=forged`, {
		method: 'POST',
		// (as a provider's plain POST: with Accept */* SvelteKit would answer with action JSON)
		headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
		data: 'List-Unsubscribe=One-Click'
	});
	expect(oneClick.status()).toBe(403);
	expect(await oneClick.text()).toContain('This unsubscribe link is not valid');
	const crossSite = await page.request.fetch(`${baseURL}/notifications?/readAll`, {
		method: 'POST',
		headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.test' },
		data: 'x=1'
	});
	expect(crossSite.status()).toBe(403);
	expect(await crossSite.text()).toBe('Cross-site POST form submissions are forbidden');

	await visit(page, '/unsubscribe?u=1&c=mention&s=forged');
	await expect(page.getByRole('alert')).toContainText('This unsubscribe link is not valid');
});

test('the administration page says e-mail is off when SMTP is not set', async ({ page }) => {
	await signIn(page, 'admin@commons.test');
	await visit(page, '/admin');
	await expect(page.getByRole('heading', { name: 'E-mail notifications' })).toBeVisible();
	await expect(page.getByText(/SMTP_URL and MAIL_FROM are not set/)).toBeVisible();
});
