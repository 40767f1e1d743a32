/**
 * An app instance of a test's own: the built server (`node server/index.ts`) with its own
 * embedded PostgreSQL under a fresh DATA_DIR, on a free port, so a test may stop its database or
 * kill it without disturbing the instance the other tests share.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const DEMO_PASSWORD = 'e2e-demo-password-123';

export function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address() as net.AddressInfo;
			server.close(() => resolve(port));
		});
		server.on('error', reject);
	});
}

export async function until(probe: () => Promise<boolean>, what: string, timeoutMs: number) {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		if (await probe().catch(() => false)) return;
		await new Promise((r) => setTimeout(r, 250));
	}
	throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

export type AppInstance = {
	origin: string;
	dataDir: string;
	/** The running process (replaced by `start()` after a kill). */
	process: () => ChildProcess;
	/** Starts the server (again, on the same port and data) and waits until it is ready. */
	start: () => Promise<void>;
	/** Recent output, for a failing test's report. */
	output: () => string;
	/** Stops the server (SIGTERM, then SIGKILL after 20 s). */
	stop: () => Promise<void>;
	/** Stops the server and removes its data. */
	dispose: () => Promise<void>;
};

export async function appInstance(env: Record<string, string> = {}): Promise<AppInstance> {
	const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'commons-instance-'));
	// As root the embedded PostgreSQL runs as the "postgres" user, which must enter the folder.
	fs.chmodSync(dataDir, 0o755);
	const port = await freePort();
	const origin = `http://127.0.0.1:${port}`;
	const lines: string[] = [];
	let child: ChildProcess | undefined;
	const instance: AppInstance = {
		origin,
		dataDir,
		process: () => child!,
		output: () => lines.join('').slice(-4000),
		async start() {
			child = spawn(process.execPath, ['server/index.ts'], {
				env: {
					...process.env,
					NODE_ENV: 'production',
					PORT: String(port),
					HOST: '127.0.0.1',
					ORIGIN: origin,
					DATA_DIR: dataDir,
					DATABASE_URL: '',
					DEMO_PASSWORD,
					LOG_LEVEL: 'warn',
					...env
				},
				stdio: ['ignore', 'pipe', 'pipe']
			});
			child.stdout!.on('data', (d) => lines.push(String(d)));
			child.stderr!.on('data', (d) => lines.push(String(d)));
			await until(async () => (await fetch(`${origin}/readyz`)).ok, 'the app to be ready', 120_000);
		},
		async stop() {
			if (!child || child.exitCode !== null || child.signalCode !== null) return;
			child.kill('SIGTERM');
			await until(
				async () => child!.exitCode !== null || child!.signalCode !== null,
				'the app to stop',
				20_000
			).catch(() => child!.kill('SIGKILL'));
		},
		async dispose() {
			await instance.stop();
			fs.rmSync(dataDir, { recursive: true, force: true });
		}
	};
	return instance;
}
