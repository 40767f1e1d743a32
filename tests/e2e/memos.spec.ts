/**
 * Memos for the people who receive them, in real Chromium: the communications team issues a memo
 * to a department (through the API, as the issuing pages are not built yet); a member of that
 * department sees the banner on every page, opens the memo, gets a wrong answer explained, then
 * acknowledges; the report counts them at once; a material amendment puts them back to pending
 * with the changes shown, and the CSV export lists them.
 */
import { randomBytes } from 'node:crypto';
import type { APIRequestContext, PlaywrightWorkerArgs } from '@playwright/test';
import { sessionCookie, signIn } from './auth.ts';
import { expect, expectAccessible, test, visit } from './fixtures.ts';

const comms = 'comms@commons.test';
const jamal = 'jamal.hassan@commons.test'; // Transport

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

test('a memo reaches a department: banner, wrong answer explained, acknowledgement, amendment', async ({
	page,
	browser,
	playwright,
	baseURL
}) => {
	test.slow();
	const title = `Winter driving instruction ${randomBytes(3).toString('hex')}`;
	const issuer = await apiAs(playwright, baseURL!, comms);
	const issuerDepartment = (await (await issuer.get('/api/v1/me')).json()).department.id;

	await signIn(page, jamal);
	const transport = (await (await page.request.get('/api/v1/me')).json()).department.id;

	const due = new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10);
	const draft = await issuer.post('/api/v1/memos', {
		data: {
			title,
			body: '## Before you drive\n\nCheck the tyres and carry the winter kit.',
			category: 'instruction',
			issuingDepartmentId: issuerDepartment,
			dueOn: due,
			attestation: 'I will check my vehicle before every winter journey.',
			question: {
				prompt: 'What do you carry in winter?',
				options: ['Nothing extra', 'The winter kit'],
				answer: 1,
				explanation: 'The memo asks everyone to carry the winter kit.'
			},
			audience: [{ kind: 'department', departmentId: transport }]
		}
	});
	expect(draft.status(), await draft.text()).toBe(201);
	const memoId = (await draft.json()).id;
	const published = await issuer.post(`/api/v1/memos/${memoId}/publish`, { data: {} });
	expect(published.status(), await published.text()).toBe(200);

	// The banner is on every page until the memo is acknowledged.
	await visit(page, '/feed');
	const banner = page.getByRole('region', {
		name: /need your acknowledgement|needs your acknowledgement/
	});
	await expect(banner.getByRole('link', { name: title })).toBeVisible();
	await banner.getByRole('link', { name: title }).click();
	await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible();
	await expectAccessible(page);

	// Opening it counts as viewed, apart from acknowledged.
	const viewed = await (await issuer.get(`/api/v1/memos/${memoId}/report`)).json();
	expect(viewed.counts).toMatchObject({ total: expect.any(Number), viewed: 1, acknowledged: 0 });

	// The issuer watches the report in another browser.
	const issuerContext = await browser.newContext();
	const issuerPage = await issuerContext.newPage();
	await signIn(issuerPage, comms);
	await visit(issuerPage, `/memos/${memoId}/report`);
	const progress = issuerPage.getByTestId('acknowledged-count');
	await expect(progress).toHaveText(/^0 of \d+$/);
	const total = Number((await progress.textContent())!.split(' of ')[1]);

	// A wrong answer is explained and nothing is recorded as acknowledged.
	const form = page.getByRole('region', { name: 'Your acknowledgement' });
	await form.getByLabel('Nothing extra').check();
	await form.getByLabel('I will check my vehicle before every winter journey.').check();
	await form.getByRole('button', { name: /I have read and understood/ }).click();
	await expect(page.getByRole('alert')).toContainText(
		'The memo asks everyone to carry the winter kit.'
	);
	await expectAccessible(page);

	await form.getByLabel('The winter kit').check();
	await form.getByLabel('I will check my vehicle before every winter journey.').check();
	await form.getByRole('button', { name: /I have read and understood/ }).click();
	await expect(page.getByText(/You acknowledged version 1 on/)).toBeVisible();
	// The banner no longer names it.
	await expect(page.getByRole('link', { name: title })).toHaveCount(0);
	await expectAccessible(page);

	// The issuer's report moved without a reload.
	await expect(progress).toHaveText(`1 of ${total}`);
	await expectAccessible(issuerPage);
	// Filtered to those who acknowledged, the list names him with the version he read.
	await visit(issuerPage, `/memos/${memoId}/report?status=acknowledged`);
	await expect(issuerPage.getByRole('row', { name: /Jamal Hassan/ })).toContainText('Acknowledged');
	const report = await (await issuer.get(`/api/v1/memos/${memoId}/report`)).json();
	expect(report.counts.acknowledged).toBe(1);

	// A material amendment: Jamal owes a new acknowledgement and sees what changed.
	const amended = await issuer.post(`/api/v1/memos/${memoId}/amend`, {
		data: {
			body: '## Before you drive\n\nCheck the tyres, carry the winter kit and a charged phone.',
			kind: 'material',
			note: 'Added: carry a charged phone.'
		}
	});
	expect(amended.status(), await amended.text()).toBe(200);
	await visit(page, '/feed');
	await expect(page.getByRole('link', { name: title })).toBeVisible();
	await visit(page, `/memos/${memoId}`);
	await expect(page.getByRole('heading', { name: 'What changed since version 1' })).toBeVisible();
	await expect(
		page.getByRole('button', { name: 'I have read and understood version 2' })
	).toBeVisible();

	const csv = await issuer.get(`/api/v1/memos/${memoId}/report.csv`);
	expect(csv.status()).toBe(200);
	expect(await csv.text()).toContain('Jamal Hassan');
	await issuer.dispose();
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
