/**
 * PostgreSQL's own client programs (pg_dump, pg_restore) for `npm run backup` and
 * `npm run restore`: from PG_BIN_DIR when set, else from PATH. They must be at least as new as
 * the server they talk to (pg_dump refuses an older one's dump of a newer server), which is
 * checked first so the message says what to install.
 *
 * Plain Node (type stripping): erasable TypeScript only and `.ts` in relative imports.
 */
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { sql } from 'kysely';
import type { Database } from '../src/lib/server/db/index.ts';

export type PgTool = 'pg_dump' | 'pg_restore';

export function toolPath(tool: PgTool, env: NodeJS.ProcessEnv = process.env): string {
	return env.PG_BIN_DIR ? path.join(env.PG_BIN_DIR, tool) : tool;
}

/** The tool's major version, or an error saying how to get it. */
export function toolMajor(tool: PgTool, env: NodeJS.ProcessEnv = process.env): number {
	const run = spawnSync(toolPath(tool, env), ['--version'], { encoding: 'utf8' });
	const match = run.stdout?.match(/\(PostgreSQL\) (\d+)/);
	if (run.error || !match)
		throw new Error(
			`${tool} was not found (${toolPath(tool, env)}): install PostgreSQL's client programs ` +
				`(Debian: apt-get install postgresql-client) or set PG_BIN_DIR to their folder`
		);
	return Number(match[1]);
}

export async function serverMajor(db: Database): Promise<number> {
	const { rows } = await sql<{ v: string }>`show server_version_num`.execute(db);
	return Math.floor(Number(rows[0]!.v) / 10000);
}

/** Throws unless `tool` can work with a server of major version `server`. */
export function assertToolFits(tool: PgTool, server: number, env: NodeJS.ProcessEnv = process.env) {
	const major = toolMajor(tool, env);
	if (major < server)
		throw new Error(
			`${tool} ${major} cannot work with PostgreSQL ${server}: install PostgreSQL ${server}'s ` +
				`client programs and set PG_BIN_DIR to their folder (e.g. /usr/lib/postgresql/${server}/bin)`
		);
	return major;
}

/**
 * The connection for libpq's programs, with the password in the environment (PGPASSWORD)
 * rather than on the command line, where every user of the machine could read it.
 */
export function libpqConnection(url: string): { dbname: string; env: NodeJS.ProcessEnv } {
	const parsed = new URL(url);
	const password = decodeURIComponent(parsed.password);
	parsed.password = '';
	return {
		dbname: parsed.toString(),
		env: password ? { ...process.env, PGPASSWORD: password } : { ...process.env }
	};
}

/** Runs a tool to completion; rejects with its error output when it fails. */
export function runTool(tool: PgTool, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
	return new Promise((resolve, reject) => {
		const child = spawn(toolPath(tool, env), args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
		let errors = '';
		child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
		child.on('error', reject);
		child.on('exit', (code) =>
			code === 0
				? resolve()
				: reject(new Error(`${tool} failed (exit ${code}): ${errors.trim() || 'no message'}`))
		);
	});
}
