/**
 * Knowledge pages in real Chromium: creating a page, editing it twice, comparing revisions and
 * restoring one; two people editing at once, where the second save gets the conflict screen and
 * loses nothing; a wiki link to a missing page leading to the prefilled new-page form, then
 * backlinks; breadcrumbs and the table of contents; and saving without JavaScript.
 */
import type { Page } from '@playwright/test';
import { people, signIn } from './auth.ts';
import { expect, expectAccessible, test, visit } from './fixtures.ts';

const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

/** Hannah works in the agency's top department, so she writes in its space. */
const SPACE = 'agency';
const SPACE_NAME = 'Northbridge Regional Agency';

/** Creates a page through the new-page form and waits for it; returns its address. */
async function createPage(page: Page, title: string, body: string): Promise<string> {
	await visit(page, `/kb/new?space=${SPACE}`);
	await page.getByLabel('Title', { exact: true }).fill(title);
	await page.getByLabel('Page text').fill(body);
	await page.getByRole('button', { name: 'Create page' }).click();
	await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible();
	await expect(page.getByText('Saved as revision 1.')).toBeVisible();
	return new URL(page.url()).pathname;
}

async function saveEdit(page: Page, body: string, summary: string) {
	await page.getByRole('link', { name: 'Edit page' }).click();
	await expect(page.getByRole('heading', { level: 1, name: /^Edit/ })).toBeVisible();
	await page.getByLabel('Page text').fill(body);
	await page.getByLabel('Summary of your change (optional)').fill(summary);
	await page.getByRole('button', { name: 'Save page' }).click();
}

test('create a page, edit it twice, compare revisions and restore the first', async ({ page }) => {
	// Many pages, each checked with axe in two themes: more than the default minute on a busy machine.
	test.slow();
	const run = unique();
	const title = `Parking rules ${run}`;
	await signIn(page, people.staff);
	const address = await createPage(
		page,
		title,
		`Intro ${run}.\n\n## Who may park\n\nStaff with a permit.\n\n## Visitors\n\nVisitors sign in at reception.\n`
	);
	expect(address).toBe(`/kb/${SPACE}/parking-rules-${run}`);

	// Breadcrumbs, governance line and the table of contents.
	const crumbs = page.getByRole('navigation', { name: 'Breadcrumb' });
	await expect(crumbs.getByRole('link', { name: 'Knowledge' })).toBeVisible();
	await expect(crumbs.getByRole('link', { name: SPACE_NAME })).toBeVisible();
	await expect(crumbs.getByRole('link', { name: title })).toHaveAttribute('aria-current', 'page');
	await expect(page.getByText('Owner: Hannah Fischer')).toBeVisible();
	const toc = page.getByRole('navigation', { name: 'Contents' });
	await expect(toc.getByRole('link', { name: 'Who may park' })).toHaveAttribute('href', /^#h-/);
	await toc.getByRole('link', { name: 'Visitors' }).click();
	await expect(page.getByRole('heading', { name: 'Visitors', exact: true })).toBeInViewport();
	await expectAccessible(page);

	await saveEdit(
		page,
		`Intro ${run}.\n\n## Who may park\n\nStaff with a permit, and contractors.\n\n## Visitors\n\nVisitors sign in at reception.\n`,
		'Contractors may park'
	);
	await expect(page.getByText('Saved as revision 2.')).toBeVisible();
	await expect(page.getByText('Staff with a permit, and contractors.')).toBeVisible();

	await saveEdit(
		page,
		`Intro ${run}.\n\n## Who may park\n\nNobody: the car park is closed for works.\n`,
		'Car park closed'
	);
	await expect(page.getByText('Saved as revision 3.')).toBeVisible();
	await expect(page.getByText('Nobody: the car park is closed for works.')).toBeVisible();

	// The history, then a diff between revisions 1 and 3.
	await page.getByRole('link', { name: 'History', exact: true }).click();
	await expect(
		page.getByRole('heading', { level: 1, name: `History of “${title}”` })
	).toBeVisible();
	await expect(page.getByRole('row', { name: /Car park closed/ })).toBeVisible();
	await expectAccessible(page);
	// The same revision twice: the history again, saying why there is nothing to compare.
	await page.getByRole('radio', { name: 'Compare from revision 2' }).check();
	await page.getByRole('radio', { name: 'Compare to revision 2' }).check();
	await page.getByRole('button', { name: 'Compare selected revisions' }).click();
	await expect(page.locator('#compare-error')).toHaveText(
		'Choose two different revisions to compare.'
	);
	await expect(
		page.getByRole('heading', { level: 1, name: `History of “${title}”` })
	).toBeVisible();
	await page.getByRole('radio', { name: 'Compare from revision 1' }).check();
	await page.getByRole('radio', { name: 'Compare to revision 3' }).check();
	await page.getByRole('button', { name: 'Compare selected revisions' }).click();
	await expect(
		page.getByRole('heading', { level: 1, name: 'Changes from revision 1 to revision 3' })
	).toBeVisible();
	const diff = page.getByRole('group', { name: 'Changes from revision 1 to revision 3' });
	await expect(diff.locator('del', { hasText: 'Staff with a permit.' })).toContainText('Removed:');
	await expect(diff.locator('ins', { hasText: 'Nobody: the car park' })).toContainText('Added:');
	await expect(page.getByText(/\+\d+ lines? added/)).toBeVisible();
	await expectAccessible(page);

	// Someone saves while the history is open: restoring is refused once, the history shows their
	// revision, and restoring again works. Revision 1 comes back as a new revision 5.
	await page.getByRole('link', { name: 'Back to the history' }).click();
	const pageId = await page.locator('#restore-form input[name="pageId"]').inputValue();
	const meanwhile = await page.request.put(`/api/v1/pages/${pageId}`, {
		data: { title, body: `Intro ${run}.\n\nReopened.\n`, summary: 'Reopened', baseRevision: 3 }
	});
	expect(meanwhile.status(), await meanwhile.text()).toBe(200);
	await page.getByRole('button', { name: 'Restore revision 1' }).click();
	await expect(page.getByText(/Look at the newest revision first/)).toBeVisible();
	await expect(page.getByRole('row', { name: /Reopened/ })).toBeVisible();
	await page.getByRole('button', { name: 'Restore revision 1' }).click();
	await expect(page).toHaveURL(new RegExp(`${address}\\?restored=1$`));
	await expect(page.getByText('Restored revision 1 as a new revision.')).toBeVisible();
	await expect(page.getByText('Staff with a permit.')).toBeVisible();
	await expect(page.getByRole('link', { name: 'Revision 5' })).toBeVisible();
	await expectAccessible(page);
	await visit(page, `${address}?view=history`);
	await expect(page.getByRole('row', { name: /restored from revision 1/ })).toBeVisible();
	await visit(page, `${address}?view=revision&n=2`);
	await expect(page.getByText('Staff with a permit, and contractors.')).toBeVisible();
});

test('a save over someone else’s newer save gets the conflict screen and loses nothing', async ({
	page,
	browser
}) => {
	// Many pages, each checked with axe in two themes: more than the default minute on a busy machine.
	test.slow();
	const run = unique();
	await signIn(page, people.staff);
	const address = await createPage(page, `Rota ${run}`, `Monday: Ana\nTuesday: Ben\n`);
	await visit(page, `${address}?view=edit`);
	await expect(page.getByLabel('Page text')).toHaveValue('Monday: Ana\nTuesday: Ben\n');

	// Meanwhile the administrator saves a change in another browser.
	const other = await browser.newContext();
	const admin = await other.newPage();
	await signIn(admin, people.admin);
	await visit(admin, `${address}?view=edit`);
	await admin.getByLabel('Page text').fill(`Monday: Ana\nTuesday: Chloe\n`);
	await admin.getByRole('button', { name: 'Save page' }).click();
	await expect(admin.getByText('Saved as revision 2.')).toBeVisible();
	await expectAccessible(admin);

	// Hannah, still on revision 1, saves her own change.
	const mine = `Monday: Ana\nTuesday: Ben\nWednesday: Dev ${run}\n`;
	await page.getByLabel('Page text').fill(mine);
	await page.getByRole('button', { name: 'Save page' }).click();
	await expect(
		page.getByRole('heading', { name: 'Someone else saved this page while you were editing' })
	).toBeVisible();
	await expect(page.getByRole('alert')).toContainText('Alex Morgan saved this page');
	await expect(page.getByLabel('Page text')).toHaveValue(mine);
	await expect(page.getByLabel(/Their version \(revision 2\)/)).toHaveValue(
		'Monday: Ana\nTuesday: Chloe\n'
	);
	const diff = page.getByRole('group', { name: /Differences between revision 2 and your text/ });
	await expect(diff.locator('del', { hasText: 'Tuesday: Chloe' })).toBeVisible();
	await expect(diff.locator('ins', { hasText: `Wednesday: Dev ${run}` })).toBeVisible();
	await expectAccessible(page);

	// She merges Chloe in and saves on top of revision 2.
	const merged = `Monday: Ana\nTuesday: Chloe\nWednesday: Dev ${run}\n`;
	await page.getByLabel('Page text').fill(merged);
	await page.getByRole('button', { name: 'Save on top of revision 2' }).click();
	await expect(page.getByText('Saved as revision 3.')).toBeVisible();
	await expect(page.getByText(`Wednesday: Dev ${run}`)).toBeVisible();

	await visit(admin, address);
	await expect(admin.getByText(`Wednesday: Dev ${run}`)).toBeVisible();
	await expect(admin.getByText('Tuesday: Chloe')).toBeVisible();
});

test('a link to a missing page opens the prefilled new-page form; the new page lists the backlink', async ({
	page
}) => {
	const run = unique();
	const target = `Fire drill ${run}`;
	await signIn(page, people.staff);
	const from = await createPage(page, `Safety ${run}`, `Read the [[${target}]] before Friday.\n`);
	const missing = page.locator('.kb-body').getByRole('link', { name: target });
	await expect(missing).toHaveClass(/missing/);
	await missing.click();
	await expect(page).toHaveURL(/\/kb\/new\?/);
	await expect(page.getByLabel('Title', { exact: true })).toHaveValue(target);
	await expect(page.getByRole('heading', { level: 1 })).toHaveText(`New page in ${SPACE_NAME}`);
	await expectAccessible(page);
	await page.getByLabel('Page text').fill('Leave by the nearest stairs.');
	await expect(page.getByRole('region', { name: 'Preview' })).toContainText(
		'Leave by the nearest stairs.'
	);
	await page.getByRole('button', { name: 'Create page' }).click();
	await expect(page.getByRole('heading', { level: 1, name: target })).toBeVisible();
	const backlinks = page.getByRole('region', { name: 'Pages that link here' });
	await expect(backlinks.getByRole('link', { name: `Safety ${run}` })).toHaveAttribute(
		'href',
		from
	);
	await expectAccessible(page);

	// The linking page now points at the page that exists.
	await visit(page, from);
	const link = page.locator('.kb-body').getByRole('link', { name: target });
	await expect(link).not.toHaveClass(/missing/);
	await link.click();
	await expect(page.getByRole('heading', { level: 1, name: target })).toBeVisible();
});

test('creating and saving a page work without JavaScript', async ({ page }) => {
	const run = unique();
	await page.route(/\/_app\/.*\.js(\?.*)?$/, (route) => route.abort());
	await signIn(page, people.staff);
	const address = await createPage(page, `Keys ${run}`, 'Keys are at reception.');
	await visit(page, `${address}?view=edit`);
	await page.getByLabel('Page text').fill(`Keys are in the cabinet ${run}.`);
	await page.getByRole('button', { name: 'Save page' }).click();
	await expect(page).toHaveURL(new RegExp(`${address}\\?saved=2$`));
	await expect(page.getByText('Saved as revision 2.')).toBeVisible();
	await expect(page.getByText(`Keys are in the cabinet ${run}.`)).toBeVisible();

	// A refused save keeps the text, on the field that is wrong.
	await visit(page, `${address}?view=edit`);
	await page.getByLabel('Title', { exact: true }).fill('Keys [draft]');
	await page.getByLabel('Page text').fill(`Unsaved words ${run}`);
	await page.getByRole('button', { name: 'Save page' }).click();
	await expect(page.getByLabel('Title', { exact: true })).toHaveAttribute('aria-invalid', 'true');
	await expect(page.getByLabel('Page text')).toHaveValue(`Unsaved words ${run}`);
	await expectAccessible(page);
});

test('the demo wiki: spaces, a space’s tree, an overdue page with its notice and backlinks', async ({
	page
}) => {
	await signIn(page, people.staff);
	await visit(page, '/kb');
	const spaces = page.getByRole('region', { name: 'Spaces' });
	await expect(spaces.getByRole('link', { name: 'Organisation' })).toBeVisible();
	await spaces.getByRole('link', { name: 'Finance' }).click();
	await expect(page.getByRole('heading', { level: 1, name: 'Finance' })).toBeVisible();
	const tree = page.getByRole('list', { name: 'Pages in Finance' });
	await expect(tree.getByRole('link', { name: 'Finance procedures' })).toBeVisible();
	// Hannah is not in Finance: she reads its pages but adds none.
	await expect(page.getByRole('link', { name: 'New page' })).toHaveCount(0);
	await expectAccessible(page);

	await page
		.getByRole('list', { name: 'Under Finance procedures' })
		.getByRole('link', { name: 'Travel and expenses' })
		.click();
	await expect(page).toHaveURL(/\/kb\/finance\/procedures\/travel-and-expenses$/);
	await expect(page.getByRole('note')).toContainText(
		/This page was due for review on .+; it may be out of date\./
	);
	const crumbs = page.getByRole('navigation', { name: 'Breadcrumb' });
	await expect(crumbs.getByRole('link', { name: 'Finance procedures' })).toBeVisible();
	await expect(
		page.getByRole('region', { name: 'Pages that link here' }).getByRole('link', {
			name: 'Finance procedures'
		})
	).toBeVisible();
	await expect(page.getByRole('link', { name: 'Edit page' })).toHaveCount(0);
	await expectAccessible(page);

	await visit(page, '/kb/finance/procedures/purchase-orders');
	await expect(page.getByText(/Verified until/)).toBeVisible();
	await expect(page.getByRole('note')).toHaveCount(0);
});

test('an owner sets a review date, verifies, moves, discusses and deletes a page', async ({
	page
}) => {
	// Many pages, each checked with axe in two themes: more than the default minute on a busy machine.
	test.slow();
	const run = unique();
	await signIn(page, people.staff);
	const parent = await createPage(page, `Office guide ${run}`, 'Everything about the office.');
	const address = await createPage(page, `Printers ${run}`, 'Printers are on every floor.');

	// A review date in the past: readers are warned.
	await page.getByRole('link', { name: 'Settings' }).click();
	await expect(page.getByRole('heading', { level: 1, name: /^Settings of/ })).toBeVisible();
	await expect(page.getByLabel('Owner', { exact: true })).toHaveValue(/\d+/);
	await expectAccessible(page);
	await page.getByLabel('Review by (optional)').fill('2020-01-31');
	await page.getByRole('button', { name: 'Save settings' }).click();
	await expect(page.getByText('Settings saved.')).toBeVisible();
	await visit(page, address);
	await expect(page.getByRole('note')).toContainText('This page was due for review on');
	// Verifying reviews it: the warning goes, the next review is when the verification ends.
	await visit(page, `${address}?view=settings`);
	await page.getByLabel('Verified until').fill('2020-01-01');
	await page.getByRole('button', { name: 'Mark as verified' }).click();
	await expect(page.getByText('Choose a date from today on.').first()).toBeVisible();
	await expect(page.getByLabel('Verified until')).toHaveAttribute('aria-invalid', 'true');
	await expectAccessible(page);
	await page.getByLabel('Verified until').fill('2099-12-31');
	await page.getByRole('button', { name: 'Mark as verified' }).click();
	await expect(page.getByText('Marked as verified.')).toBeVisible();
	await visit(page, address);
	await expect(page.getByText(/Verified until .*2099 by Hannah Fischer/)).toBeVisible();
	await expect(page.getByRole('note')).toHaveCount(0);

	// Move it under the office guide.
	await page.getByRole('link', { name: 'Move' }).click();
	await page.getByLabel('New parent page').selectOption({ label: `Office guide ${run}` });
	await expectAccessible(page);
	await page.getByRole('button', { name: 'Move page' }).click();
	await expect(page).toHaveURL(new RegExp(`${parent}/printers-${run}\\?saved=moved$`));
	await expect(
		page.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('link', {
			name: `Office guide ${run}`
		})
	).toBeVisible();
	// Its old address (a bookmark, a link in an email) still reaches it, in the same view.
	await visit(page, `${address}?view=history`);
	await expect(page).toHaveURL(new RegExp(`${parent}/printers-${run}\\?view=history$`));
	await expect(page.getByRole('heading', { level: 1 })).toContainText(`Printers ${run}`);
	await visit(page, `${parent}/printers-${run}`);

	// Discuss opens the page's thread, which links back.
	await page.getByRole('button', { name: 'Discuss' }).click();
	await expect(page).toHaveURL(/\/threads\/\d+$/);
	await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Discussion: Printers ${run}`);
	await page.getByRole('link', { name: 'the page it discusses' }).click();
	await expect(page).toHaveURL(new RegExp(`${parent}/printers-${run}$`));

	// The parent cannot go while it has a sub-page; the sub-page can.
	await visit(page, parent);
	await page.locator('summary', { hasText: 'Delete page' }).click();
	await page.getByRole('button', { name: 'Yes, delete the page' }).click();
	await expect(page.getByRole('alert')).toContainText('This page has sub-pages');
	await expectAccessible(page);
	await visit(page, `${parent}/printers-${run}`);
	await page.locator('summary', { hasText: 'Delete page' }).click();
	await page.getByRole('button', { name: 'Yes, delete the page' }).click();
	await expect(page).toHaveURL(/\/kb\/agency\?deleted=/);
	await expect(page.getByText(`“Printers ${run}” was deleted.`)).toBeVisible();
	expect((await visit(page, `${parent}/printers-${run}`))?.status()).toBe(404);
	expect((await visit(page, address))?.status()).toBe(404);
	// The notice names only a page deleted here, never text someone put in a link.
	await visit(page, '/kb/agency?deleted=Payroll%20was%20hacked');
	await expect(page.getByText('was deleted.')).toHaveCount(0);
});

test('an image uploaded in the editor is linked at the cursor and shown on the saved page', async ({
	page
}) => {
	await signIn(page, people.staff);
	const title = `Site map ${unique()}`;
	await visit(page, `/kb/new?space=${SPACE}`);
	await page.getByLabel('Title', { exact: true }).fill(title);
	await page.getByLabel('Page text').fill('The site from above:\n');
	const pixel = Buffer.from(
		'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
		'base64'
	);
	await page
		.getByLabel('Add an image or file (up to 10 MB)')
		.setInputFiles({ name: 'site.png', mimeType: 'image/png', buffer: pixel });
	await expect(page.getByText('site.png added to the text. Save to keep it.')).toBeVisible();
	await expect(page.getByLabel('Page text')).toHaveValue(
		/!\[site\.png\]\(\/files\/\d+\/site\.png\)/
	);
	await expectAccessible(page);
	await page.getByRole('button', { name: 'Create page' }).click();
	await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible();
	await expect(page.getByRole('img', { name: 'site.png' })).toBeVisible();
	await expect(
		page.getByRole('region', { name: 'Files on this page' }).getByRole('link', { name: 'site.png' })
	).toBeVisible();
	await expectAccessible(page);
});
