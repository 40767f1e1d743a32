/**
 * Administration in the production build: importing a staff directory (preview, errors, apply),
 * editing people and departments, deactivating someone who has the app open (two browser
 * contexts), the audit trail and its CSV export, and the 403 for everyone else.
 *
 * Tests share one database and run in parallel: each run uses its own names and emails, and
 * only Ravi Patel (deactivated here, then reactivated) and Noah Kim's title are touched.
 */
import type { Locator, Page } from '@playwright/test';
import { DEMO_PASSWORD, people, signIn } from './auth.ts';
import { expect, expectAccessible, test, visit } from './fixtures.ts';

const RAVI = { email: 'ravi.patel@commons.test', name: 'Ravi Patel' };
const NOAH = 'noah.kim@commons.test';

/** Unique per test run (and per retry), so parallel and repeated runs never collide. */
function runId(): string {
	return `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
}

function escapeRegExp(text: string): string {
	return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Chooses the option whose text is `name` (the menu indents names to show the tree). */
async function selectDepartment(select: Locator, name: string): Promise<void> {
	const option = select
		.locator('option')
		.filter({ hasText: new RegExp(`^\\s*${escapeRegExp(name)}(\\s\\(.*\\))?$`) });
	const value = await option.first().getAttribute('value');
	expect(value, `an option named ${name}`).toBeTruthy();
	await select.selectOption(value!);
}

/** Opens a person's administration page from a search of the people list. */
async function openPerson(page: Page, email: string, name: string): Promise<void> {
	await visit(page, `/admin/people?q=${encodeURIComponent(email)}`);
	await page.getByRole('link', { name, exact: true }).click();
	await expect(page).toHaveURL(/\/admin\/people\/\d+$/);
	await expect(page.getByRole('heading', { level: 1 })).toHaveText(name);
	await expectAccessible(page);
}

/** Runs a ConfirmAction: opens its explanation, then presses the confirming button. */
async function confirm(page: Page, opener: string, button: string): Promise<void> {
	await page.locator('summary', { hasText: opener }).click();
	await expectAccessible(page);
	await page.getByRole('button', { name: button }).click();
}

const realtimeIndicator = (page: Page) =>
	page.getByRole('status').filter({ hasText: 'Live updates:' });

test.describe('as an administrator', () => {
	test.beforeEach(async ({ page }) => {
		await signIn(page, people.admin);
	});

	test('the overview links to every administration page', async ({ page }) => {
		await visit(page, '/admin');
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Administration');
		const main = page.getByRole('main');
		const sections = main.getByRole('heading', { level: 2 });
		for (const name of ['People', 'Departments', 'Import staff directory', 'Audit trail']) {
			await expect(sections.getByRole('link', { name, exact: true })).toBeVisible();
		}
		await sections.getByRole('link', { name: 'Departments', exact: true }).click();
		await expect(page).toHaveURL(/\/admin\/departments$/);
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Departments');
		await expectAccessible(page);
	});

	test('a CSV import previews its changes, applies them, and refuses a file with errors', async ({
		page
	}) => {
		const run = runId();
		const newEmail = `import.${run}@commons.test`;
		const newName = `Imported Person ${run}`;
		const newTitle = `Service Desk Lead ${run}`;
		const csv = [
			'email,name,title,department,manager_email,status',
			`${newEmail},${newName},Analyst,digital,mei.lin@commons.test,active`,
			`${NOAH},Noah Kim,${newTitle},digital,,active`
		].join('\n');

		await visit(page, '/admin/import');
		await expect(page.getByText('Expected columns')).toBeVisible();
		await page.getByLabel('CSV file').setInputFiles({
			name: 'staff.csv',
			mimeType: 'text/csv',
			buffer: Buffer.from(csv)
		});
		await page.getByRole('button', { name: 'Preview' }).click();

		const changes = page.getByRole('table', { name: /What the file changes/ });
		await expect(changes).toBeVisible();
		await expect(
			page.getByText(/1 person to add · 1 person to update · \d+ unchanged · 0 errors/)
		).toBeVisible();
		const added = changes.getByRole('row').filter({ hasText: newEmail });
		await expect(added).toContainText('Add');
		const updated = changes.getByRole('row').filter({ hasText: NOAH });
		await expect(updated).toContainText('Update');
		// "→" is hidden from screen readers, which hear "becomes" instead.
		await expect(updated).toContainText(
			new RegExp(`Title: Service Desk Analyst\\W*becomes ${newTitle}`)
		);
		await expect(page.getByRole('table', { name: 'Errors in the file' })).toHaveCount(0);
		await expectAccessible(page);

		await page.getByRole('button', { name: 'Apply: add 1 and update 1' }).click();
		await expect(page.getByText('Imported: 1 created, 1 updated')).toBeVisible();
		await expectAccessible(page);

		await visit(page, `/admin/people?q=${encodeURIComponent(newEmail)}`);
		const row = page.getByRole('row').filter({ hasText: newEmail });
		await expect(row.getByRole('link', { name: newName })).toBeVisible();
		await expect(row).toContainText('Active');
		await expect(row).toContainText('Digital Services');

		await openPerson(page, NOAH, 'Noah Kim');
		await expect(page.getByLabel('Job title')).toHaveValue(newTitle);

		// A file with an invalid email and an unknown department: errors named by row and column.
		const bad = [
			'email,name,department',
			`not-an-email,Bad Email ${run},digital`,
			`valid.${run}@commons.test,Valid Name ${run},no-such-department-${run}`
		].join('\n');
		await visit(page, '/admin/import');
		await page.getByLabel('Or paste the CSV text').fill(bad);
		await page.getByRole('button', { name: 'Preview' }).click();

		const errors = page.getByRole('table', { name: 'Errors in the file' });
		await expect(errors).toBeVisible();
		const rows = errors.getByRole('row');
		await expect(rows).toHaveCount(3); // the header and two errors
		await expect(rows.nth(1).getByRole('cell').nth(0)).toHaveText('2');
		await expect(rows.nth(1).getByRole('cell').nth(1)).toHaveText('email');
		await expect(rows.nth(1).getByRole('cell').nth(2)).toContainText('valid email');
		await expect(rows.nth(2).getByRole('cell').nth(0)).toHaveText('3');
		await expect(rows.nth(2).getByRole('cell').nth(1)).toHaveText('department');
		await expect(rows.nth(2).getByRole('cell').nth(2)).toContainText(`no-such-department-${run}`);
		await expect(page.getByRole('button', { name: /^Apply/ })).toHaveCount(0);
		await expect(page.getByRole('alert')).toContainText('Nothing can be imported');
		// What was pasted is still there to correct.
		await expect(page.getByLabel('Or paste the CSV text')).toHaveValue(bad);
		await expectAccessible(page);

		await visit(page, `/admin/people?q=${encodeURIComponent(`valid.${run}`)}`);
		await expect(page.getByRole('heading', { name: 'No one matches' })).toBeVisible();
	});

	test('adding and editing a person keeps what was typed when the service refuses', async ({
		page
	}) => {
		const run = runId();
		const email = `added.${run}@commons.test`;
		const name = `Added Person ${run}`;

		await visit(page, '/admin/people');
		const add = page.getByRole('region', { name: 'Add person' });
		await add.getByLabel('Name').fill(name);
		await add.getByLabel('Email address').fill(email);
		await add.getByLabel('Job title').fill('Records Officer');
		await selectDepartment(add.getByLabel('Department'), 'Legal & Integrity');
		await add.getByRole('button', { name: 'Add person' }).click();
		await expect(add.getByRole('status')).toContainText(`${name} is added`);
		await expectAccessible(page);

		// Adding the same email again: the conflict is shown and the form keeps the input.
		await add.getByLabel('Name').fill(`${name} again`);
		await add.getByLabel('Email address').fill(email);
		await selectDepartment(add.getByLabel('Department'), 'Legal & Integrity');
		await add.getByRole('button', { name: 'Add person' }).click();
		await expect(add.getByRole('alert')).toContainText(`Someone with ${email} already exists`);
		await expect(add.getByLabel('Name')).toHaveValue(`${name} again`);
		await expectAccessible(page);

		await openPerson(page, email, name);
		await expect(page.getByText('Active', { exact: true })).toBeVisible();

		// Move them to another department and change the title.
		const details = page.getByRole('region', { name: 'Details' });
		await details.getByLabel('Job title').fill('Senior Records Officer');
		await selectDepartment(details.getByLabel('Department'), 'Customer Service');
		await details.getByRole('button', { name: 'Save details' }).click();
		await expect(details.getByRole('status')).toContainText(`${name}’s details are saved`);
		await expect(
			page.getByRole('definition').filter({ hasText: 'Customer Service' })
		).toBeVisible();

		// Taking someone else's email is refused; the typed values stay.
		await details.getByLabel('Email address').fill(NOAH);
		await details.getByLabel('Job title').fill('Typed but not saved');
		await details.getByRole('button', { name: 'Save details' }).click();
		await expect(details.getByRole('alert')).toContainText(`already uses ${NOAH}`);
		await expect(details.getByLabel('Email address')).toHaveValue(NOAH);
		await expect(details.getByLabel('Job title')).toHaveValue('Typed but not saved');

		// An email the browser accepts but the server does not: the error is tied to its field.
		await details.getByLabel('Email address').fill('someone@localhost');
		await details.getByRole('button', { name: 'Save details' }).click();
		const emailField = details.getByLabel('Email address');
		await expect(emailField).toHaveAttribute('aria-invalid', 'true');
		await expect(emailField).toHaveAccessibleDescription(/valid email address/);
		await expectAccessible(page);

		// Roles: communications, and manager of a department.
		const roles = page.getByRole('region', { name: 'Roles' });
		await roles.getByLabel('Communications').check();
		await roles.getByRole('button', { name: 'Save roles' }).click();
		await expect(roles.getByRole('status')).toContainText('The roles are saved');
		await expect(roles.getByLabel('Communications')).toBeChecked();
	});

	test('a department is created, and cannot move under its own sub-department', async ({
		page
	}) => {
		const run = runId();
		const parent = `Parent Unit ${run}`;
		const child = `Child Unit ${run}`;

		await visit(page, '/admin/departments');
		const add = page.getByRole('region', { name: 'Add department' });
		for (const [name, slug, under] of [
			[parent, `parent-${run}`, 'Operations'],
			[child, `child-${run}`, parent]
		] as const) {
			await add.getByLabel('Name').fill(name);
			await add.getByLabel('Address').fill(slug);
			await selectDepartment(add.getByLabel('Parent department'), under);
			await add.getByRole('button', { name: 'Create department' }).click();
			await expect(add.getByRole('status')).toContainText(`${name} is created`);
		}
		const tree = page.getByRole('region', { name: 'Department tree' });
		await expect(
			tree.getByRole('listitem').filter({ hasText: parent }).getByRole('link', { name: child })
		).toBeVisible();
		await expectAccessible(page);

		await tree.getByRole('link', { name: parent }).click();
		await expect(page.getByRole('heading', { level: 1 })).toHaveText(parent);
		await expectAccessible(page);

		const form = page.getByRole('region', { name: 'Edit department' });
		await form.getByLabel('Name').fill(`${parent} renamed`);
		await selectDepartment(form.getByLabel('Parent department'), child);
		await form.getByRole('button', { name: 'Save department' }).click();
		await expect(form.getByRole('alert')).toContainText(
			'A department cannot move under itself or one of its sub-departments.'
		);
		const parentSelect = form.getByLabel('Parent department');
		await expect(parentSelect).toHaveAttribute('aria-invalid', 'true');
		await expect(parentSelect).toHaveAccessibleDescription(/outside this one/);
		await expect(form.getByLabel('Name')).toHaveValue(`${parent} renamed`);
		await expectAccessible(page);

		// Members only, and back at the top level.
		await form.getByLabel('Name').fill(parent);
		await form.getByLabel('Parent department').selectOption('');
		await form.getByLabel('Its members only').check();
		await form.getByRole('button', { name: 'Save department' }).click();
		await expect(form.getByRole('status')).toContainText(`${parent} is saved`);
		await expect(
			page.getByRole('definition').filter({ hasText: 'Its members only' })
		).toBeVisible();
	});

	test('the audit trail filters, pages and exports CSV', async ({ page }) => {
		await visit(page, '/admin/audit');
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Audit trail');

		await page.getByLabel('Actor (person id or email)').fill(people.admin);
		await page.getByLabel('Outcome').selectOption('success');
		await page.getByLabel('Action', { exact: true }).selectOption('auth.sign_in');
		await page.getByRole('button', { name: 'Filter' }).click();
		await expect(page).toHaveURL(/actor=admin%40commons\.test/);
		const table = page.getByRole('table', { name: /Audit events matching the filters/ });
		await expect(table).toBeVisible();
		const rows = table.locator('tbody tr');
		await expect(rows.first()).toContainText('Alex Morgan <admin@commons.test>');
		for (const text of await rows.allInnerTexts()) expect(text).toContain('auth.sign_in');
		await expectAccessible(page);

		const exportLink = page.getByRole('link', { name: 'Export CSV (filtered)' });
		const href = await exportLink.getAttribute('href');
		expect(href).toMatch(/^\/admin\/audit\/export\.csv\?.*actor=admin%40commons\.test/);
		const response = await page.request.get(href!);
		expect(response.status()).toBe(200);
		expect(response.headers()['content-type']).toContain('text/csv');
		expect(response.headers()['content-disposition']).toMatch(/^attachment; filename=".+\.csv"$/);
		const lines = (await response.text()).trim().split('\n');
		expect(lines[0]).toBe(
			'id,occurred_at,actor_id,actor_label,action,object_type,object_id,outcome,ip,user_agent,details,prev_hash,hash'
		);
		expect(lines.length).toBeGreaterThan(1);
		expect(lines.slice(1).every((line) => line.includes(',auth.sign_in,'))).toBe(true);

		// An actor the directory does not know: the filter says so, and no events are shown.
		await visit(page, '/admin/audit?actor=nobody-here%40example.org');
		const actor = page.getByLabel('Actor (person id or email)');
		await expect(actor).toHaveAttribute('aria-invalid', 'true');
		await expect(page.getByRole('alert')).toContainText('No one in the directory');
		await expect(page.getByRole('table')).toHaveCount(0);
	});

	test('every administration page fits a 360 px wide screen', async ({ page }) => {
		await page.setViewportSize({ width: 360, height: 780 });
		await visit(page, '/admin/people');
		const personHref = await page.getByRole('table').getByRole('link').first().getAttribute('href');
		await visit(page, '/admin/departments');
		const departmentHref = await page
			.getByRole('region', { name: 'Department tree' })
			.getByRole('link')
			.first()
			.getAttribute('href');
		const paths = [
			'/admin',
			'/admin/people',
			personHref!,
			'/admin/departments',
			departmentHref!,
			'/admin/import',
			'/admin/audit'
		];
		for (const path of paths) {
			await visit(page, path);
			const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
			expect(scrollWidth, `document width on ${path}`).toBeLessThanOrEqual(360);
		}
	});
});

test('deactivating a person closes the page they have open and sends them to sign-in', async ({
	page,
	browser
}) => {
	await signIn(page, people.admin);
	await openPerson(page, RAVI.email, RAVI.name);
	// A retry after a failure part-way: start from an active account.
	if (await page.locator('summary', { hasText: 'Reactivate…' }).isVisible()) {
		await confirm(page, 'Reactivate…', `Yes, reactivate ${RAVI.name}`);
		await expect(page.locator('summary', { hasText: 'Deactivate…' })).toBeVisible();
	}

	const staffContext = await browser.newContext();
	try {
		const staff = await staffContext.newPage();
		await signIn(staff, RAVI.email, DEMO_PASSWORD);
		await expectAccessible(staff);
		const indicator = realtimeIndicator(staff);
		await expect(indicator).toHaveText(/Live\s*$/);

		await confirm(page, 'Deactivate…', `Yes, deactivate ${RAVI.name}`);
		await expect(page.getByRole('status').filter({ hasText: 'is deactivated' })).toBeVisible();
		await expect(page.getByRole('heading', { level: 1 }).locator('..')).toContainText(
			'Deactivated'
		);
		await expectAccessible(page);

		// The server closed their socket: the indicator leaves Live and says Offline.
		await expect(indicator).not.toHaveText(/Live\s*$/);
		await expect(indicator).toHaveText(/Offline\s*$/);

		// Their next click lands on the sign-in page.
		await staff
			.getByRole('navigation', { name: 'Primary' })
			.getByRole('link', { name: 'People' })
			.click();
		await expect(staff).toHaveURL(/\/login(\?|$)/);
		await expect(staff.getByRole('heading', { level: 1 })).toContainText('Sign in');
		await expectAccessible(staff);
	} finally {
		await staffContext.close();
	}

	// Put the demo account back for later runs.
	await confirm(page, 'Reactivate…', `Yes, reactivate ${RAVI.name}`);
	await expect(page.getByRole('status').filter({ hasText: 'is active again' })).toBeVisible();
});

test('adding and deactivating a person works without JavaScript', async ({ page }) => {
	// The app's scripts never load, as with JavaScript off (axe is injected by the test runner,
	// so the pages are still checked).
	await page.route(/\/_app\/.*\.js(\?.*)?$/, (route) => route.abort());
	const run = runId();
	const email = `nojs.${run}@commons.test`;
	const name = `No Script ${run}`;

	await signIn(page, people.admin);
	await visit(page, '/admin/people');
	const add = page.getByRole('region', { name: 'Add person' });
	await add.getByLabel('Name').fill(name);
	await add.getByLabel('Email address').fill(email);
	await selectDepartment(add.getByLabel('Department'), 'Finance');
	await add.getByRole('button', { name: 'Add person' }).click();
	// A native form post: the browser shows the action's page.
	await expect(page).toHaveURL(/\/admin\/people\?\/create$/);
	await expect(page.getByRole('status').filter({ hasText: `${name} is added` })).toBeVisible();
	await expectAccessible(page);

	await openPerson(page, email, name);
	await confirm(page, 'Deactivate…', `Yes, deactivate ${name}`);
	await expect(page).toHaveURL(/\/admin\/people\/\d+\?\/deactivate$/);
	await expect(page.getByRole('status').filter({ hasText: 'is deactivated' })).toBeVisible();
	await expect(page.locator('summary', { hasText: 'Reactivate…' })).toBeVisible();
	await expectAccessible(page);
});

test('someone who is not an administrator gets a 403 page', async ({ page }) => {
	await signIn(page, people.staff);
	const response = await visit(page, '/admin');
	expect(response?.status()).toBe(403);
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('You cannot open this page');
	await expect(page.getByRole('navigation', { name: 'Administration' })).toHaveCount(0);

	for (const path of ['/admin/people', '/admin/import', '/admin/audit']) {
		const other = await visit(page, path);
		expect(other?.status(), path).toBe(403);
	}
	const csv = await page.request.get('/admin/audit/export.csv');
	expect(csv.status()).toBe(403);
});
