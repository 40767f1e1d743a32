/**
 * Starts the production app (`node server/index.ts` on the built SvelteKit handler) for a
 * benchmark, with its own embedded PostgreSQL in a throwaway folder, and stops it again.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '..', '..');
const HANDLER = path.join(ROOT, 'build', 'handler.js');
const SOURCES = ['src', 'migrations', 'static', 'svelte.config.js', 'vite.config.ts'];
const READY_TIMEOUT_MS = 120_000;
const STOP_TIMEOUT_MS = 30_000;
const LOG_TAIL_LINES = 60;

export type StartAppOptions = {
	/** Extra environment for the app; it wins over the defaults below. */
	env?: Record<string, string>;
	readyTimeoutMs?: number;
};

export type RunningApp = {
	/** e.g. http://127.0.0.1:41234, without a trailing slash. */
	url: string;
	port: number;
	dataDir: string;
	/** The password of every seeded demo account. */
	demoPassword: string;
	/** The last lines the app printed, for error messages. */
	logTail(): string;
	/** SIGTERM, wait for exit, remove the data folder. Safe to call more than once. */
	stop(): Promise<void>;
};

export const DEMO_PASSWORD = 'bench-password-123';

function newestMtime(target: string): number {
	const full = path.join(ROOT, target);
	if (!fs.existsSync(full)) return 0;
	const stat = fs.statSync(full);
	if (!stat.isDirectory()) return stat.mtimeMs;
	let newest = stat.mtimeMs;
	for (const entry of fs.readdirSync(full, { recursive: true, withFileTypes: true })) {
		if (entry.isFile()) {
			newest = Math.max(newest, fs.statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
		}
	}
	return newest;
}

/**
 * Builds the app when `build/handler.js` is missing (or always, with `force`). A build older
 * than the sources is only reported: rebuilding in the middle of someone's edit can fail, and
 * `--build` is there for when the numbers must describe the working tree.
 */
export function ensureBuild(log: (message: string) => void, force = false): void {
	const exists = fs.existsSync(HANDLER);
	if (exists && !force) {
		const builtAt = fs.statSync(HANDLER).mtimeMs;
		if (Math.max(...SOURCES.map(newestMtime)) > builtAt) {
			log(
				'warning: build/ is older than the sources; run with --build to measure the current code'
			);
		}
		return;
	}
	log(exists ? 'Building the app (--build)…' : 'build/handler.js is missing; building the app…');
	const result = spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], {
		cwd: ROOT,
		stdio: ['ignore', 'inherit', 'inherit']
	});
	if (result.status !== 0 || !fs.existsSync(HANDLER)) {
		throw new Error(`vite build failed (exit code ${result.status ?? result.signal})`);
	}
}

export async function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.unref();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address() as net.AddressInfo;
			server.close(() => resolve(port));
		});
	});
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function isAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
}

/**
 * The embedded PostgreSQL is a child of the app; if the app had to be killed it may still run.
 * Its postmaster.pid names it, so only that one process is signalled.
 */
async function stopOrphanedPostgres(dataDir: string): Promise<void> {
	const pidFile = path.join(dataDir, 'postgres', 'postmaster.pid');
	if (!fs.existsSync(pidFile)) return;
	const pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
	if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return;
	process.kill(pid, 'SIGINT'); // PostgreSQL's "fast" shutdown
	for (let waited = 0; waited < 15_000 && isAlive(pid); waited += 100) await sleep(100);
	if (isAlive(pid)) process.kill(pid, 'SIGKILL');
}

function collectLines(child: ChildProcess, into: string[]): void {
	for (const stream of [child.stdout, child.stderr]) {
		let partial = '';
		stream?.setEncoding('utf8');
		stream?.on('data', (chunk: string) => {
			const lines = (partial + chunk).split('\n');
			partial = lines.pop() ?? '';
			into.push(...lines);
			if (into.length > LOG_TAIL_LINES) into.splice(0, into.length - LOG_TAIL_LINES);
		});
	}
}

async function waitUntilReady(
	url: string,
	exited: Promise<unknown>,
	timeoutMs: number,
	logTail: () => string
): Promise<void> {
	let gone = false;
	void exited.then(() => (gone = true));
	const deadline = Date.now() + timeoutMs;
	let last = 'no answer yet';
	while (Date.now() < deadline) {
		if (gone) throw new Error(`The app exited before it was ready. Its last output:\n${logTail()}`);
		try {
			const response = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(5_000) });
			await response.arrayBuffer();
			if (response.status === 200) return;
			last = `GET /readyz answered ${response.status}`;
		} catch (error) {
			last = error instanceof Error ? error.message : String(error);
		}
		await sleep(250);
	}
	throw new Error(
		`The app was not ready after ${timeoutMs / 1000} s (${last}). Its last output:\n${logTail()}`
	);
}

/**
 * Spawns `node server/index.ts` with a fresh DATA_DIR. `ready` settles when GET /readyz answers
 * 200, or rejects (having stopped the app) when it exits first or the timeout passes; `app`
 * can be stopped before then, which is what Ctrl+C during start-up needs.
 * DATABASE_URL is removed from the inherited environment so a benchmark never touches (or
 * seeds) a real database.
 */
export async function launchApp(
	options: StartAppOptions = {}
): Promise<{ app: RunningApp; ready: Promise<void> }> {
	const port = await freePort();
	const url = `http://127.0.0.1:${port}`;
	const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'commons-bench-'));
	// The embedded PostgreSQL runs as the "postgres" system user when we are root.
	fs.chmodSync(dataDir, 0o755);

	const env: NodeJS.ProcessEnv = {
		...process.env,
		NODE_ENV: 'production',
		PORT: String(port),
		HOST: '127.0.0.1',
		ORIGIN: url,
		LOG_LEVEL: 'warn',
		DEMO_PASSWORD,
		DATA_DIR: dataDir,
		// A benchmark is one client sending thousands of API requests a minute: limits far above
		// that keep the limiter's cost in the numbers without refusing anything.
		API_RATE_LIMIT: '1000000000',
		API_RATE_LIMIT_PER_IP: '1000000000',
		...options.env
	};
	if (!options.env?.DATABASE_URL) delete env.DATABASE_URL;

	const lines: string[] = [];
	const logTail = () => lines.join('\n');
	const child = spawn(process.execPath, [path.join(ROOT, 'server', 'index.ts')], {
		cwd: ROOT,
		env,
		stdio: ['ignore', 'pipe', 'pipe']
	});
	collectLines(child, lines);
	const exited = new Promise<number | null>((resolve) => {
		child.once('exit', (code) => resolve(code));
		child.once('error', (error) => {
			lines.push(String(error));
			resolve(null);
		});
	});

	let isReady = false;
	let stopping: Promise<void> | undefined;
	const stop = () => {
		stopping ??= (async () => {
			if (child.exitCode === null && child.signalCode === null) {
				child.kill('SIGTERM');
				const timedOut = await Promise.race([
					exited.then(() => false),
					sleep(STOP_TIMEOUT_MS).then(() => true)
				]);
				if (timedOut) {
					console.error(
						`warning: the app did not stop within ${STOP_TIMEOUT_MS / 1000} s; killing it`
					);
					child.kill('SIGKILL');
					await exited;
				} else if (isReady && child.exitCode !== 0) {
					const how = child.exitCode ?? child.signalCode;
					console.error(`warning: the app exited with ${how} on SIGTERM:\n${logTail()}`);
				}
			} else if (isReady) {
				// It ended on its own after it was ready: whatever was measured after that failed.
				const how = child.exitCode ?? child.signalCode;
				console.error(`warning: the app had exited by itself (${how}):\n${logTail()}`);
			}
			await stopOrphanedPostgres(dataDir);
			fs.rmSync(dataDir, { recursive: true, force: true });
		})();
		return stopping;
	};

	const app = {
		url,
		port,
		dataDir,
		demoPassword: env.DEMO_PASSWORD ?? DEMO_PASSWORD,
		logTail,
		stop
	};
	const timeoutMs = options.readyTimeoutMs ?? READY_TIMEOUT_MS;
	const ready = waitUntilReady(url, exited, timeoutMs, logTail).then(
		() => {
			isReady = true;
		},
		async (error: unknown) => {
			await stop();
			throw error;
		}
	);
	return { app, ready };
}

/** Starts the app and waits until it is ready (see `launchApp`). */
export async function startApp(options: StartAppOptions = {}): Promise<RunningApp> {
	const { app, ready } = await launchApp(options);
	await ready;
	return app;
}
