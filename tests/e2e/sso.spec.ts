/**
 * Single sign-on end to end: the production build signs people in through a real OpenID Connect
 * provider (oidc-provider, started by ./global-setup.ts on 127.0.0.1, port E2E_OIDC_PORT or the
 * app's port + 1) with the authorisation code flow and PKCE, in Chromium.
 *
 * The provider's sign-in page is on another origin: the accessibility fixture records and audits
 * only the app's own origin, so it is neither checked nor reported.
 */
import type { Page } from '@playwright/test';
import { SSO_TEST_ACCOUNT } from '../oidc-provider.ts';
import { expect, expectAccessible, test, visit } from './fixtures.ts';

type Me = { id: number; email: string; name: string; department: { slug: string } };

/** The account menu's button names the signed-in person (see AccountMenu.svelte). */
const ACCOUNT_MENU = new RegExp(
	`^${SSO_TEST_ACCOUNT.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*: account menu$`
);

/** From the sign-in page through the provider's sign-in form, which sends the browser back. */
async function signInWithSso(page: Page, next?: string): Promise<void> {
	await visit(page, next ? `/login?next=${encodeURIComponent(next)}` : '/login');
	const button = page.getByRole('link', { name: 'Sign in with single sign-on' });
	await expect(button).toBeVisible();
	await button.click();

	await expect(page.getByRole('heading', { name: 'Test identity provider' })).toBeVisible();
	// The provider's own origin: the fixture neither records nor audits its pages.
	expect(new URL(page.url()).origin).not.toBe(new URL(test.info().project.use.baseURL!).origin);
	await page.getByLabel('Email').fill(SSO_TEST_ACCOUNT.email);
	await page.getByRole('button', { name: 'Continue' }).click();
}

async function me(page: Page): Promise<Me> {
	const response = await page.request.get('/api/v1/me');
	expect(response.status()).toBe(200);
	return (await response.json()) as Me;
}

test('signs a new person in through the identity provider, then the same person again', async ({
	page,
	browser
}) => {
	await signInWithSso(page);
	await expect(page).toHaveURL(/\/feed$/);
	await expect(page.getByRole('button', { name: ACCOUNT_MENU })).toBeVisible();
	await expectAccessible(page);

	// Provisioned from the claims: email, name, and the department whose slug the claim names.
	const first = await me(page);
	expect(first).toMatchObject({
		email: SSO_TEST_ACCOUNT.email,
		name: SSO_TEST_ACCOUNT.name,
		department: { slug: 'transport' }
	});

	// Another browser (no session anywhere yet) signs in as the same provider account and is
	// taken back where it was going: the directory, searched for that name, lists one person.
	const context = await browser.newContext();
	try {
		const second = await context.newPage();
		const search = `/people?q=${encodeURIComponent(SSO_TEST_ACCOUNT.name)}`;
		await signInWithSso(second, search);
		await expect(second).toHaveURL(search);
		await expect(second.getByRole('button', { name: ACCOUNT_MENU })).toBeVisible();
		await expectAccessible(second);
		expect((await me(second)).id).toBe(first.id);
		await expect(
			second.getByRole('main').getByRole('link', { name: SSO_TEST_ACCOUNT.name, exact: true })
		).toHaveCount(1);
	} finally {
		await context.close();
	}
});

test('a callback that does not belong to a sign-on goes back to the sign-in page', async ({
	page
}) => {
	const response = await visit(page, '/sso/callback?code=forged&state=not-a-state');
	expect(response?.status()).toBe(200);
	await expect(page).toHaveURL(/\/login\?sso_error=failed$/);
	await expect(page.getByRole('alert')).toHaveText(
		'Single sign-on did not complete. Please try again.'
	);
	await expect(page.getByRole('link', { name: 'Sign in with single sign-on' })).toBeVisible();
});
