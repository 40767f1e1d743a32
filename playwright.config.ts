/**
 * End-to-end tests: the production build (`vite build`, then `node server/index.ts`) against a
 * fresh embedded database, driven by Chromium. `npm run test:e2e` builds first.
 * Every page a test visits is also checked with axe in both themes: see tests/e2e/fixtures.ts.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defineConfig } from '@playwright/test';

const PORT = Number(process.env.E2E_PORT ?? 4173);
const ORIGIN = `http://127.0.0.1:${PORT}`;
const DEBIAN_CHROMIUM = '/usr/bin/chromium';
const isRoot = process.getuid?.() === 0;
const CI = !!process.env.CI;
/** The in-process identity provider for single sign-on (tests/e2e/global-setup.ts starts it). */
const OIDC_ISSUER = `http://127.0.0.1:${Number(process.env.E2E_OIDC_PORT ?? PORT + 1)}`;

/**
 * A fresh DATA_DIR (so a fresh database) for every run. Playwright loads this file again in each
 * worker process; the variable is inherited, so only the main process creates the folder, and
 * only that process removes it when it exits (after Playwright has stopped the web server).
 * Set E2E_KEEP_DATA=1 to keep it for inspection.
 */
if (!process.env.COMMONS_E2E_DATA_DIR) {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'commons-e2e-'));
	// As root the embedded PostgreSQL runs as the "postgres" user, which must enter the folder.
	fs.chmodSync(dir, 0o755);
	process.env.COMMONS_E2E_DATA_DIR = dir;
	if (!process.env.E2E_KEEP_DATA) {
		process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
	}
}
const DATA_DIR = process.env.COMMONS_E2E_DATA_DIR;

export default defineConfig({
	testDir: 'tests/e2e',
	globalSetup: './tests/e2e/global-setup.ts',
	outputDir: 'test-results',
	fullyParallel: true,
	forbidOnly: CI,
	retries: CI ? 1 : 0,
	// The machine has two cores, shared by Chromium, Node and PostgreSQL.
	workers: Math.min(2, os.availableParallelism()),
	reporter: 'list',
	timeout: 60_000,
	expect: { timeout: 10_000 },
	use: {
		baseURL: ORIGIN,
		headless: true,
		colorScheme: 'light',
		trace: 'retain-on-failure',
		screenshot: 'only-on-failure',
		launchOptions: {
			executablePath: fs.existsSync(DEBIAN_CHROMIUM) ? DEBIAN_CHROMIUM : undefined,
			args: [
				...(isRoot ? ['--no-sandbox'] : []),
				// Without network access Chromium stalls on its own background connections.
				'--disable-gpu',
				'--disable-quic',
				'--no-first-run',
				'--disable-background-networking',
				'--disable-component-update',
				'--disable-sync'
			]
		}
	},
	projects: [{ name: 'chromium', use: { browserName: 'chromium' } }],
	webServer: {
		command: 'node server/index.ts',
		url: `${ORIGIN}/healthz`,
		reuseExistingServer: false,
		timeout: 120_000,
		// SIGTERM lets server/index.ts close sockets and stop the embedded PostgreSQL cleanly.
		gracefulShutdown: { signal: 'SIGTERM', timeout: 20_000 },
		stdout: 'ignore',
		stderr: 'pipe',
		env: {
			NODE_ENV: 'production',
			PORT: String(PORT),
			HOST: '127.0.0.1',
			ORIGIN,
			DATA_DIR,
			// Always the embedded database under DATA_DIR, whatever the calling shell exports.
			DATABASE_URL: '',
			DEMO_PASSWORD: 'e2e-demo-password-123',
			LOG_LEVEL: 'warn',
			OIDC_ISSUER,
			OIDC_CLIENT_ID: 'commons-e2e',
			OIDC_CLIENT_SECRET: 'commons-e2e-client-secret',
			OIDC_DEPARTMENT_CLAIM: 'department'
		}
	}
});
