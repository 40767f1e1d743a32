/**
 * `npm run backup` and `npm run restore`, round trip, run as a person would (the scripts as
 * child processes) against a real PostgreSQL: a backup of a database written through the
 * services, restored into an empty database and folder, holds every row and every file, and
 * its audit trail verifies (`npm run audit:verify`) to the same length and last hash.
 *
 * pg_dump only dumps servers no newer than itself, and the embedded server (18) is newer than
 * the client programs Debian ships (15). So this test runs its own throwaway server from the
 * same folder as the pg_dump it uses (the system's PostgreSQL, `apt-get install postgresql`;
 * .ci/run installs it). Without one it is skipped on a developer's machine and fails in CI.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordStandalone } from '../../src/lib/server/audit/audit.service.ts';
import { createAccessToken } from '../../src/lib/server/auth/access-token.service.ts';
import { systemContext } from '../../src/lib/server/context.ts';
import { createDb, useDatabaseForTests, type Database } from '../../src/lib/server/db/index.ts';
import { ensureDatabase, freePort } from '../../src/lib/server/db/embedded.ts';
import { migrateToLatest } from '../../src/lib/server/db/migrate.ts';
import { createPost } from '../../src/lib/server/feeds/post.service.ts';
import { uploadAttachment } from '../../src/lib/server/files/attachment.service.ts';
import { LocalDiskStorage, useFileStorageForTests } from '../../src/lib/server/files/storage.ts';
import { contextFor, newDepartment, newUser } from '../factories.ts';

/** The newest system PostgreSQL with a server and the client programs side by side. */
function systemPostgres(): string | undefined {
	const root = '/usr/lib/postgresql';
	if (!fs.existsSync(root)) return undefined;
	return fs
		.readdirSync(root)
		.filter((v) => /^\d+$/.test(v))
		.sort((a, b) => Number(b) - Number(a))
		.map((v) => path.join(root, v, 'bin'))
		.find((bin) =>
			['initdb', 'postgres', 'pg_dump', 'pg_restore'].every((p) => fs.existsSync(path.join(bin, p)))
		);
}

const BIN = process.env.PG_BIN_DIR ?? systemPostgres();
if (!BIN && process.env.CI)
	throw new Error('CI needs the system PostgreSQL for the backup test: apt-get install postgresql');

/** Runs as the `postgres` system user when we are root: PostgreSQL refuses to run as root. */
function asPostgresUser(): { uid?: number; gid?: number } {
	if (process.getuid?.() !== 0) return {};
	const id = (flag: string) =>
		Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout.trim());
	return { uid: id('-u'), gid: id('-g') };
}

type Server = { urlFor: (db: string) => string; stop: () => Promise<void> };

async function startServer(bin: string, dir: string): Promise<Server> {
	const user = asPostgresUser();
	const data = path.join(dir, 'data');
	fs.mkdirSync(data, { recursive: true, mode: 0o700 });
	if (user.uid !== undefined) fs.chownSync(data, user.uid, user.gid!);
	const init = spawnSync(
		path.join(bin, 'initdb'),
		['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8'],
		{ ...user, encoding: 'utf8' }
	);
	if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr}`);
	const port = await freePort();
	const child: ChildProcess = spawn(
		path.join(bin, 'postgres'),
		[
			'-D',
			data,
			'-p',
			String(port),
			'-c',
			'listen_addresses=127.0.0.1',
			'-c',
			'unix_socket_directories=',
			'-c',
			'fsync=off'
		],
		{ ...user, stdio: 'ignore' }
	);
	const urlFor = (db: string) => `postgres://postgres@127.0.0.1:${port}/${db}`;
	const until = Date.now() + 30_000;
	for (;;) {
		const probe = createDb(urlFor('postgres'), 1);
		const up = await sql`select 1`.execute(probe).then(
			() => true,
			() => false
		);
		await probe.destroy();
		if (up) break;
		if (Date.now() > until || child.exitCode !== null) throw new Error('postgres did not start');
		await new Promise((r) => setTimeout(r, 200));
	}
	return {
		urlFor,
		stop: () =>
			new Promise<void>((resolve) => {
				if (child.exitCode !== null) return resolve();
				child.once('exit', () => resolve());
				child.kill('SIGINT');
			})
	};
}

/** Runs one of the project's scripts as `npm run` would, with the given environment. */
function runScript(
	script: string,
	args: string[],
	env: Record<string, string>
): Promise<{ code: number | null; output: string }> {
	return new Promise((resolve) => {
		const child = spawn(process.execPath, [path.join('scripts', script), ...args], {
			env: { ...process.env, LOG_LEVEL: 'silent', PG_BIN_DIR: BIN!, ...env },
			stdio: ['ignore', 'pipe', 'pipe']
		});
		let output = '';
		child.stdout.on('data', (c: Buffer) => (output += c.toString()));
		child.stderr.on('data', (c: Buffer) => (output += c.toString()));
		child.on('exit', (code) => resolve({ code, output }));
	});
}

/** Every public table's rows, in a stable text form, to compare two databases whole. */
async function contents(db: Database): Promise<Record<string, string>> {
	const { rows } = await sql<{ name: string }>`
		select table_name as name from information_schema.tables
		where table_schema = 'public' and table_type = 'BASE TABLE' order by 1
	`.execute(db);
	const result: Record<string, string> = {};
	for (const { name } of rows) {
		const table = sql.table(name);
		const { rows: data } = await sql<{ digest: string; n: number }>`
			select count(*)::int as n,
			       md5(coalesce(string_agg(t::text, '|' order by t::text), '')) as digest
			from ${table} t
		`.execute(db);
		result[name] = `${data[0]!.n}:${data[0]!.digest}`;
	}
	return result;
}

describe.skipIf(!BIN)('backup and restore', () => {
	const work = fs.mkdtempSync(path.join(os.tmpdir(), 'commons-backup-'));
	fs.chmodSync(work, 0o755);
	const sourceData = path.join(work, 'source-data');
	const restoredData = path.join(work, 'restored-data');
	const backups = path.join(work, 'backups');
	let server: Server;
	let source: Database;
	let restored: Database;

	beforeAll(async () => {
		server = await startServer(BIN!, work);
		await ensureDatabase(server.urlFor('postgres'), 'source');
		await ensureDatabase(server.urlFor('postgres'), 'restored');
		source = createDb(server.urlFor('source'), 2);
		restored = createDb(server.urlFor('restored'), 1);
		await migrateToLatest(source);
		useDatabaseForTests(source, server.urlFor('source'));
		useFileStorageForTests(new LocalDiskStorage(path.join(sourceData, 'uploads')));

		// Data written the way the app writes it: audited, with a file on disk.
		const team = await newDepartment(source);
		const author = await newUser(source, { departmentId: team.id });
		const ctx = await contextFor(source, author.id);
		const file = await uploadAttachment(ctx, {
			fileName: 'minutes.txt',
			bytes: new TextEncoder().encode('Minutes of the meeting\n')
		});
		await createPost(ctx, {
			body: 'Minutes are attached. Ünïcödé and emoji 🎉 survive too.',
			audience: team.id,
			announcement: false,
			attachmentIds: [file.id]
		});
		await createAccessToken(ctx, { name: 'reporting', expiresAt: null });
		await recordStandalone(systemContext, {
			action: 'auth.sign_in',
			outcome: 'failure',
			actorLabel: 'someone@example.test',
			details: { reason: 'unknown_email' }
		});
	}, 120_000);

	afterAll(async () => {
		await source?.destroy();
		await restored?.destroy();
		await server?.stop();
		fs.rmSync(work, { recursive: true, force: true });
	});

	it('round-trips every row and file, and the audit trail verifies to the same end', async () => {
		const backup = await runScript('backup.ts', [backups], {
			DATABASE_URL: server.urlFor('source'),
			DATA_DIR: sourceData
		});
		expect(backup.code, backup.output).toBe(0);
		const [folder] = fs.readdirSync(backups);
		expect(folder).toMatch(/^commons-backup-\d{8}T\d{6}Z$/);
		const backupDir = path.join(backups, folder!);
		expect(backup.output).toContain(`Backed up to ${backupDir}`);
		const manifest = JSON.parse(fs.readFileSync(path.join(backupDir, 'manifest.json'), 'utf8'));
		const trail = await sql<{ n: number; hash: string }>`
			select count(*)::int as n, (select hash from audit_event order by id desc limit 1) as hash
			from audit_event
		`.execute(source);
		expect(manifest).toMatchObject({
			format: 1,
			attachments: 1,
			uploads: { files: 1, bytes: 23 },
			auditTrail: { events: trail.rows[0]!.n, lastHash: trail.rows[0]!.hash }
		});
		expect(trail.rows[0]!.n).toBeGreaterThanOrEqual(2);

		const restore = await runScript('restore.ts', [backupDir], {
			DATABASE_URL: server.urlFor('restored'),
			DATA_DIR: restoredData
		});
		expect(restore.code, restore.output).toBe(0);
		expect(restore.output).toContain(`Audit trail intact: ${trail.rows[0]!.n} events verified.`);

		const verify = await runScript('audit-verify.ts', [], {
			DATABASE_URL: server.urlFor('restored'),
			DATA_DIR: restoredData
		});
		expect(verify.code, verify.output).toBe(0);
		expect(verify.output.trim()).toBe(`Audit trail intact: ${trail.rows[0]!.n} events verified.`);

		expect(await contents(restored)).toEqual(await contents(source));
		const key = (
			await restored.selectFrom('attachment').select('storageKey').executeTakeFirstOrThrow()
		).storageKey;
		expect(fs.readFileSync(path.join(restoredData, 'uploads', key), 'utf8')).toBe(
			'Minutes of the meeting\n'
		);
		// The restored database carries on: identities continue after the restored rows.
		const next = await newDepartment(restored);
		const highest = await sql<{ id: number }>`select max(id)::int as id from department`.execute(
			source
		);
		expect(next.id).toBeGreaterThan(highest.rows[0]!.id);
	});

	it('refuses to restore into a database or an upload folder that is not empty', async () => {
		const [folder] = fs.readdirSync(backups);
		const backupDir = path.join(backups, folder!);
		const before = await contents(restored);
		const again = await runScript('restore.ts', [backupDir], {
			DATABASE_URL: server.urlFor('restored'),
			DATA_DIR: path.join(work, 'empty-data')
		});
		expect(again.code).toBe(2);
		expect(again.output).toContain(
			'Restore failed: the database is not empty: restore into a newly created database'
		);
		expect(await contents(restored)).toEqual(before);

		await ensureDatabase(server.urlFor('postgres'), 'third');
		const files = await runScript('restore.ts', [backupDir], {
			DATABASE_URL: server.urlFor('third'),
			DATA_DIR: restoredData
		});
		expect(files.code).toBe(2);
		expect(files.output).toContain('already holds files: restore into an empty DATA_DIR');

		const nothing = await runScript('restore.ts', [work], {
			DATABASE_URL: server.urlFor('third'),
			DATA_DIR: path.join(work, 'empty-data')
		});
		expect(nothing.code).toBe(2);
		expect(nothing.output).toContain('is not a Commons backup');
	});
});
