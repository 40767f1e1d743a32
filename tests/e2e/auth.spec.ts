/**
 * Signing in and out, as people do it, and the session cookie the browser gets.
 */
import { DEMO_PASSWORD, people, sessionCookie, signIn } from './auth.ts';
import { expect, expectAccessible, test, visit } from './fixtures.ts';

test('an anonymous visitor is sent to sign in, then back where they were going', async ({
	page
}) => {
	await page.goto('/people?q=Okafor');
	await expect(page).toHaveURL(/\/login\?next=%2Fpeople%3Fq%3DOkafor$/);
	await expectAccessible(page);
	await page.getByLabel('Email address').fill(people.staff);
	await page.getByLabel('Password').fill(DEMO_PASSWORD);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await expect(page).toHaveURL(/\/people\?q=Okafor$/);
	await expect(page.getByRole('link', { name: 'Grace Okafor' })).toBeVisible();
	await expectAccessible(page);
});

test('a wrong password is refused with a clear message, keeping the email', async ({ page }) => {
	await visit(page, '/login');
	await page.getByLabel('Email address').fill('emma.johansson@commons.test');
	await page.getByLabel('Password').fill('not-the-right-password');
	await page.getByRole('button', { name: 'Sign in' }).click();
	await expect(page.getByRole('alert')).toContainText('do not match an active account');
	await expect(page).toHaveURL(/\/login/);
	await expect(page.getByLabel('Email address')).toHaveValue('emma.johansson@commons.test');
	await expect(page.getByLabel('Password')).toHaveValue('');
	await expectAccessible(page);

	// An unknown account gets exactly the same answer.
	await page.getByLabel('Email address').fill('nobody-here@commons.test');
	await page.getByLabel('Password').fill('not-the-right-password');
	await page.getByRole('button', { name: 'Sign in' }).click();
	await expect(page.getByRole('alert')).toContainText('do not match an active account');
});

test('signing out ends the session', async ({ page }) => {
	await signIn(page, 'ben.taylor@commons.test');
	await page.getByRole('button', { name: /account menu/ }).click();
	await expectAccessible(page);
	await page.getByRole('button', { name: 'Sign out' }).click();
	await expect(page).toHaveURL(/\/login$/);
	await page.goto('/feed');
	await expect(page).toHaveURL(/\/login\?next=%2Ffeed$/);
});

test('the session cookie is __Host-, HttpOnly, Secure and SameSite=Lax', async ({
	request,
	baseURL
}) => {
	const response = await request.post('/login', {
		form: { email: 'nadia.petrova@commons.test', password: DEMO_PASSWORD },
		headers: { origin: baseURL!, accept: 'text/html' },
		maxRedirects: 0
	});
	expect(response.status()).toBe(303);
	const cookie = response.headersArray().find((h) => h.name.toLowerCase() === 'set-cookie')!.value;
	expect(cookie).toMatch(/^__Host-commons_session=[a-z2-7]{32};/);
	expect(cookie).toMatch(/; HttpOnly/i);
	expect(cookie).toMatch(/; Secure/i);
	expect(cookie).toMatch(/; SameSite=Lax/i);
	expect(cookie).toMatch(/; Path=\//i);
	expect(cookie).not.toMatch(/Domain=/i);
});

test('your sessions page lists this device and signs out the others', async ({
	page,
	baseURL,
	request
}) => {
	const email = 'jamal.hassan@commons.test';
	// A second device: a session created outside this browser.
	await sessionCookie(request, baseURL!, email);
	await signIn(page, email);
	await visit(page, '/profile/sessions');
	await expect(page.getByText('This device')).toBeVisible();
	await page.getByRole('button', { name: /Sign out the .*other session/ }).click();
	await expect(
		page.getByRole('status').filter({ hasText: /Signed out \d+ other session/ })
	).toBeVisible();
	await expect(page.getByText('You are signed in on this device only.')).toBeVisible();
	await expectAccessible(page);
});

test('a personal access token is shown once and opens the API as its owner, until revoked', async ({
	page,
	request
}) => {
	await signIn(page, 'isabel.silva@commons.test');
	await visit(page, '/profile/tokens');
	await page.getByLabel('Name').fill('Reporting script');
	await page.getByRole('button', { name: 'Create token' }).click();
	const secret = await page.getByLabel('Token', { exact: true }).inputValue();
	expect(secret).toMatch(/^cmn_[a-z2-7]{32}$/);
	await expectAccessible(page);

	const me = await request.get('/api/v1/me', { headers: { authorization: `Bearer ${secret}` } });
	expect(me.status()).toBe(200);
	expect(await me.json()).toMatchObject({
		email: 'isabel.silva@commons.test',
		name: 'Isabel Silva'
	});

	await page.reload();
	await expect(page.getByLabel('Token', { exact: true })).toHaveCount(0);
	await page.getByRole('button', { name: 'Revoke Reporting script' }).click();
	await expect(page.getByText('The token is revoked')).toBeVisible();

	const after = await request.get('/api/v1/me', { headers: { authorization: `Bearer ${secret}` } });
	expect(after.status()).toBe(401);
	expect(await after.json()).toMatchObject({ error: { code: 'unauthorized' } });
});

test('profile and people pages show the directory as the viewer may see it', async ({ page }) => {
	await signIn(page, 'victor.nguyen@commons.test');
	await visit(page, '/profile');
	await page.getByLabel('Bio').fill('Records, retention schedules and FOI requests.');
	await page.getByRole('button', { name: 'Save profile' }).click();
	await expect(page.getByText('Your profile is saved.')).toBeVisible();
	await page.getByRole('link', { name: 'See your public profile' }).click();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Victor Nguyen');
	await expect(page.getByText('Records, retention schedules and FOI requests.')).toBeVisible();
	await expectAccessible(page);

	// Integrity Investigations is members-only: its people are not listed to outsiders.
	await visit(page, '/people?q=Paul+Murphy');
	await expect(page.getByText('No one matches “Paul Murphy”')).toBeVisible();
});
