/**
 * Memos in real Chromium, both sides. The director of Operations writes a memo in the browser
 * (audience: Operations with its sub-departments), sees who it reaches and publishes it; a member
 * of Transport (a sub-department) sees the banner on every page, opens the memo, gets a wrong
 * answer explained, then acknowledges; the director's report counts them without a reload; a
 * material amendment written in the browser puts them back to pending with the changes shown,
 * and the CSV export lists them.
 */
import { randomBytes } from 'node:crypto';
import type { APIRequestContext, PlaywrightWorkerArgs } from '@playwright/test';
import { sessionCookie, signIn } from './auth.ts';
import { expect, expectAccessible, test, visit } from './fixtures.ts';

const comms = 'comms@commons.test';
const priya = 'priya.raman@commons.test'; // Director, Operations (manager)
const jamal = 'jamal.hassan@commons.test'; // Transport, under Operations

type Playwright = PlaywrightWorkerArgs['playwright'];

async function apiAs(playwright: Playwright, baseURL: string, email: string) {
	const signInContext: APIRequestContext = await playwright.request.newContext({ baseURL });
	const cookie = await sessionCookie(signInContext, baseURL, email);
	await signInContext.dispose();
	return playwright.request.newContext({
		baseURL,
		extraHTTPHeaders: { cookie, origin: baseURL }
	});
}

test('a manager writes and publishes a memo; a sub-department member acknowledges; amendment; CSV', async ({
	page,
	browser
}) => {
	test.slow();
	const title = `Winter driving instruction ${randomBytes(3).toString('hex')}`;
	const due = new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10);

	// The director writes the memo.
	await signIn(page, priya);
	await visit(page, '/memos');
	await page.getByRole('link', { name: 'New memo' }).click();
	await expect(page.getByRole('heading', { level: 1, name: 'New memo' })).toBeVisible();
	await page.getByLabel('Title').fill(title);
	await page.getByLabel('Category').selectOption('instruction');
	await expect(page.getByLabel('Issued by')).toHaveValue(/\d+/);
	await page
		.getByLabel('Memo text')
		.fill('## Before you drive\n\nCheck the tyres and carry the winter kit.');
	await expect(page.getByRole('region', { name: 'Preview' })).toContainText(
		'Check the tyres and carry the winter kit.'
	);
	const audience = page.getByRole('group', { name: 'Audience' });
	await audience.getByLabel('Department', { exact: true }).selectOption({ label: 'Operations' });
	await expect(audience.getByLabel('With its sub-departments')).toBeChecked();
	await audience.getByRole('button', { name: 'Add department' }).click();
	await expect(audience.getByRole('list', { name: 'Chosen audience' })).toContainText(
		'Operations and its sub-departments'
	);
	await page.getByLabel('Acknowledge by').fill(due);
	await page
		.getByLabel('Attestation (optional)')
		.fill('I will check my vehicle before every winter journey.');
	await page.getByLabel('Ask one comprehension question').check();
	await page.getByLabel('Question', { exact: true }).fill('What do you carry in winter?');
	await page.getByLabel('Answers, one per line (2 to 6)').fill('Nothing extra\nThe winter kit');
	await page.getByLabel('Number of the correct answer').fill('2');
	await page
		.getByLabel('Explanation shown after a wrong answer (optional)')
		.fill('The memo asks everyone to carry the winter kit.');
	await expectAccessible(page);
	await page.getByRole('button', { name: 'Save draft' }).click();

	// The draft's page: who it reaches, then publish.
	await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible();
	await expect(page.getByRole('status').filter({ hasText: 'Draft saved.' })).toBeVisible();
	await expect(page.getByTestId('memo-reach')).toContainText(/would reach\s+\d+\s+people/);
	await expectAccessible(page);
	const memoId = Number(new URL(page.url()).pathname.split('/').at(-1));
	await page.getByRole('button', { name: 'Publish', exact: true }).click();
	await expect(page.getByRole('status').filter({ hasText: 'Published.' })).toBeVisible();
	await expect(page.getByRole('heading', { level: 2, name: 'Published' })).toBeVisible();

	// The director watches the report.
	await page.getByRole('link', { name: 'Acknowledgement report' }).click();
	const progress = page.getByTestId('acknowledged-count');
	await expect(progress).toHaveText(/^0 of \d+$/);
	const total = Number((await progress.textContent())!.split(' of ')[1]);
	expect(total).toBeGreaterThan(1);

	// Jamal, in Transport, sees the banner on every page until he acknowledges.
	const staffContext = await browser.newContext();
	const staff = await staffContext.newPage();
	await signIn(staff, jamal);
	await visit(staff, '/feed');
	const banner = staff.getByRole('region', {
		name: /need your acknowledgement|needs your acknowledgement/
	});
	await expect(banner.getByRole('link', { name: title })).toBeVisible();
	await banner.getByRole('link', { name: title }).click();
	await expect(staff.getByRole('heading', { level: 1, name: title })).toBeVisible();
	await expectAccessible(staff);

	// A wrong answer is explained and nothing is recorded as acknowledged.
	const form = staff.getByRole('region', { name: 'Your acknowledgement' });
	await form.getByLabel('Nothing extra').check();
	await form.getByLabel('I will check my vehicle before every winter journey.').check();
	await form.getByRole('button', { name: /I have read and understood/ }).click();
	await expect(staff.getByRole('alert')).toContainText(
		'The memo asks everyone to carry the winter kit.'
	);
	await expectAccessible(staff);

	await form.getByLabel('The winter kit').check();
	await form.getByLabel('I will check my vehicle before every winter journey.').check();
	await form.getByRole('button', { name: /I have read and understood/ }).click();
	await expect(staff.getByText(/You acknowledged version 1 on/)).toBeVisible();
	await expect(staff.getByRole('link', { name: title })).toHaveCount(0);
	await expectAccessible(staff);

	// The director's report moved without a reload.
	await expect(progress).toHaveText(`1 of ${total}`);
	await expectAccessible(page);
	await visit(page, `/memos/${memoId}/report?status=acknowledged`);
	await expect(page.getByRole('row', { name: /Jamal Hassan/ })).toContainText('Acknowledged');

	// A material amendment, written in the browser: Jamal owes a new acknowledgement.
	await visit(page, `/memos/${memoId}`);
	await page.getByRole('link', { name: 'Issue a new version' }).click();
	await expect(page.getByRole('heading', { level: 1, name: 'Issue version 2' })).toBeVisible();
	await page
		.getByLabel('Memo text')
		.fill('## Before you drive\n\nCheck the tyres, carry the winter kit and a charged phone.');
	await page.getByRole('radio', { name: /^Material/ }).check();
	// Everyone acknowledges again, so the new version brings its own due date (proposed).
	await expect(page.getByLabel('Due date, if the change is material')).toHaveValue(
		/^\d{4}-\d{2}-\d{2}$/
	);
	await page.getByLabel('Note to readers (optional)').fill('Added: carry a charged phone.');
	await expectAccessible(page);
	await page.getByRole('button', { name: 'Issue version 2' }).click();
	await expect(
		page.getByRole('status').filter({ hasText: 'Version 2 issued. 1 person must' })
	).toBeVisible();

	await visit(staff, '/feed');
	await expect(staff.getByRole('link', { name: title })).toBeVisible();
	await visit(staff, `/memos/${memoId}`);
	await expect(staff.getByRole('heading', { name: 'What changed since version 1' })).toBeVisible();
	await expect(staff.getByText('Added: carry a charged phone.')).toBeVisible();
	await expect(
		staff.getByText('You acknowledged version 1. Version 2 changed what this memo asks')
	).toBeVisible();
	await expect(
		staff.getByRole('button', { name: 'I have read and understood version 2' })
	).toBeVisible();

	const csv = await page.request.get(`/api/v1/memos/${memoId}/report.csv`);
	expect(csv.status()).toBe(200);
	expect(await csv.text()).toContain('Jamal Hassan');
});

test('a memo that needs approval: sent, returned with a comment, approved by a second person', async ({
	page,
	playwright,
	baseURL
}) => {
	const title = `Office move notice ${randomBytes(3).toString('hex')}`;
	// Written through the API by the communications team, with approval required.
	const author = await apiAs(playwright, baseURL!, comms);
	const department = (await (await author.get('/api/v1/me')).json()).department.id;
	const draft = await author.post('/api/v1/memos', {
		data: {
			title,
			body: 'We move to the new building on 1 February.',
			category: 'notice',
			issuingDepartmentId: department,
			requiresApproval: true,
			dueOn: new Date(Date.now() + 5 * 86_400_000).toISOString().slice(0, 10),
			audience: [{ kind: 'department', departmentId: department }]
		}
	});
	expect(draft.status(), await draft.text()).toBe(201);
	const memoId = (await draft.json()).id;
	expect((await author.post(`/api/v1/memos/${memoId}/submit`, { data: {} })).status()).toBe(200);

	// The administrator finds it waiting for approval and returns it with a comment.
	await signIn(page, 'admin@commons.test');
	await visit(page, '/memos');
	const waiting = page.getByRole('region', { name: 'Waiting for your approval' });
	await waiting.getByRole('link', { name: title }).click();
	await expect(page.getByRole('heading', { level: 2, name: 'Awaiting approval' })).toBeVisible();
	await page.getByRole('button', { name: 'Return to the author' }).click();
	// The comment is required: the browser says so before anything is sent.
	expect(
		await page
			.getByLabel('What needs to change')
			.evaluate((el) => (el as HTMLTextAreaElement).validity.valid)
	).toBe(false);
	await page.getByLabel('What needs to change').fill('Add the new address.');
	await page.getByRole('button', { name: 'Return to the author' }).click();
	await expect(
		page.getByRole('status').filter({ hasText: 'Returned to its author' })
	).toBeVisible();
	await expect(page.getByRole('heading', { level: 2, name: 'Draft' })).toBeVisible();
	await expectAccessible(page);

	// The author sends it again; the administrator approves, which publishes it.
	expect((await author.post(`/api/v1/memos/${memoId}/submit`, { data: {} })).status()).toBe(200);
	await visit(page, `/memos/${memoId}`);
	await page.getByRole('button', { name: 'Approve and publish' }).click();
	await expect(page.getByRole('heading', { level: 2, name: 'Published' })).toBeVisible();
	const report = await (await author.get(`/api/v1/memos/${memoId}/report`)).json();
	expect(report.counts.total).toBeGreaterThan(0);
	await author.dispose();
});

test('the report: remind everyone pending, move one due date, record one acknowledgement in person', async ({
	page,
	playwright,
	baseURL
}) => {
	const issuer = await apiAs(playwright, baseURL!, priya);
	const me = await (await issuer.get('/api/v1/me')).json();
	const draft = await issuer.post('/api/v1/memos', {
		data: {
			title: `Depot access ${randomBytes(3).toString('hex')}`,
			body: 'Badges are needed at the depot gate from Monday.',
			category: 'instruction',
			issuingDepartmentId: me.department.id,
			dueOn: new Date(Date.now() + 5 * 86_400_000).toISOString().slice(0, 10),
			audience: [{ kind: 'department', departmentId: me.department.id }]
		}
	});
	expect(draft.status(), await draft.text()).toBe(201);
	const memoId = (await draft.json()).id;
	expect((await issuer.post(`/api/v1/memos/${memoId}/publish`, { data: {} })).status()).toBe(200);
	await issuer.dispose();

	await signIn(page, priya);
	await visit(page, `/memos/${memoId}/report?status=pending`);
	await page
		.getByRole('button', { name: /^Remind the \d+ people who have not acknowledged$/ })
		.click();
	await expect(
		page.getByRole('status').filter({ hasText: /^Reminded \d+ people\.$/ })
	).toBeVisible();
	// A second press within the hour is refused, and says why.
	await page.getByRole('button', { name: /^Remind the/ }).click();
	await expect(page.getByRole('alert')).toContainText('less than an hour ago');

	// Jamal's due date moves, with a reason: the browser asks for the reason first.
	const jamalRow = page.getByRole('row', { name: /Jamal Hassan/ });
	await jamalRow.locator('summary').click();
	const later = new Date(Date.now() + 20 * 86_400_000).toISOString().slice(0, 10);
	await jamalRow.getByLabel('New due date').fill(later);
	await jamalRow.getByLabel('Reason', { exact: true }).fill('On leave until the 20th.');
	await expectAccessible(page);
	await jamalRow.getByRole('button', { name: 'Change due date' }).click();
	await expect(
		page.getByRole('status').filter({ hasText: 'Jamal Hassan is now due' })
	).toBeVisible();
	await expect(page.getByRole('row', { name: /Jamal Hassan/ })).toContainText('(extended)');

	// Someone else's acknowledgement is recorded in person, and the report says so.
	const other = page
		.getByRole('row')
		.filter({ hasNot: page.getByText('Jamal Hassan') })
		.filter({
			has: page.locator('summary')
		});
	const name = (await other.first().getByRole('rowheader').textContent())!.trim();
	await other.first().locator('summary').click();
	await other
		.first()
		.getByLabel('Acknowledged in person? Say how')
		.fill('Read to them at the depot briefing.');
	await other
		.first()
		.getByRole('button', { name: 'Record acknowledgement on their behalf' })
		.click();
	await expect(
		page.getByRole('status').filter({ hasText: `Acknowledgement recorded on behalf of ${name}` })
	).toBeVisible();
	await visit(page, `/memos/${memoId}/report?status=acknowledged`);
	await expect(page.getByRole('row', { name: new RegExp(name) })).toContainText(
		'recorded by Priya Raman: Read to them at the depot briefing.'
	);
});

test('a memo not addressed to you does not exist for you', async ({
	page,
	playwright,
	baseURL
}) => {
	const issuer = await apiAs(playwright, baseURL!, comms);
	const issuerDepartment = (await (await issuer.get('/api/v1/me')).json()).department.id;
	const draft = await issuer.post('/api/v1/memos', {
		data: {
			title: `Comms only ${randomBytes(3).toString('hex')}`,
			body: 'For the communications team.',
			category: 'notice',
			issuingDepartmentId: issuerDepartment,
			dueOn: new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10),
			audience: [{ kind: 'department', departmentId: issuerDepartment }]
		}
	});
	const memoId = (await draft.json()).id;
	expect((await issuer.post(`/api/v1/memos/${memoId}/publish`, { data: {} })).status()).toBe(200);
	await issuer.dispose();

	await signIn(page, jamal);
	const response = await page.goto(`/memos/${memoId}`);
	expect(response?.status()).toBe(404);
	const ack = await page.request.post(`/api/v1/memos/${memoId}/acknowledge`, {
		data: { version: 1 }
	});
	expect(ack.status()).toBe(403);
	await visit(page, '/memos');
	await expectAccessible(page);
});
