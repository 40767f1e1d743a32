/**
 * Signing in during e2e tests, as a person would (the sign-in form) or, for API and socket
 * clients, by posting the same form and keeping the session cookie.
 */
import type { APIRequestContext, Page } from '@playwright/test';
import { expect, visit } from './fixtures.ts';

/** Every demo account's password in the e2e server (see playwright.config.ts). */
export const DEMO_PASSWORD = 'e2e-demo-password-123';

export const people = {
	staff: 'hannah.fischer@commons.test',
	admin: 'admin@commons.test',
	comms: 'comms@commons.test',
	manager: 'grace.okafor@commons.test'
} as const;

/** Signs in through the sign-in page and waits for the feed. */
export async function signIn(
	page: Page,
	email: string = people.staff,
	password = DEMO_PASSWORD
): Promise<void> {
	await visit(page, '/login');
	await page.getByLabel('Email address').fill(email);
	await page.getByLabel('Password').fill(password);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await expect(page).toHaveURL(/\/feed$/);
}

/** Posts the sign-in form from a non-browser client and returns the `Cookie` header value. */
export async function sessionCookie(
	request: APIRequestContext,
	baseURL: string,
	email: string = people.staff
): Promise<string> {
	const response = await request.post('/login', {
		form: { email, password: DEMO_PASSWORD },
		// As a browser's form post: with Accept */* SvelteKit would answer with action JSON.
		headers: { origin: baseURL, accept: 'text/html' },
		maxRedirects: 0
	});
	expect(response.status(), await response.text()).toBe(303);
	const setCookie = response.headersArray().find((h) => h.name.toLowerCase() === 'set-cookie');
	expect(setCookie, 'the sign-in response sets the session cookie').toBeDefined();
	return setCookie!.value.split(';')[0]!;
}
