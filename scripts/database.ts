/**
 * The database a command-line script works on: DATABASE_URL, or the embedded server under
 * DATA_DIR. If the app already runs that server it is used and left running; otherwise it is
 * started here and stopped again by `close`.
 *
 * Plain Node (type stripping): erasable TypeScript only and `.ts` in relative imports.
 */
import fs from 'node:fs';
import path from 'node:path';
import { config } from '../src/lib/server/config.ts';
import { createDb, embeddedDataDir, type Database } from '../src/lib/server/db/index.ts';
import { ensureDatabase, startEmbeddedPostgres } from '../src/lib/server/db/embedded.ts';

function postmasterRunning(dir: string): boolean {
	try {
		const pid = Number(fs.readFileSync(path.join(dir, 'postmaster.pid'), 'utf8').split('\n')[0]);
		if (!Number.isInteger(pid) || pid <= 0) return false;
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
}

export type ScriptDatabase = { url: string; db: Database; close: () => Promise<void> };

/**
 * Opens the configured database. `create`: an embedded server that has never run is created
 * (a restore's empty target); otherwise its absence is an error.
 */
export async function openScriptDatabase(
	options: { create?: boolean } = {}
): Promise<ScriptDatabase> {
	const cfg = config();
	if (cfg.databaseUrl) {
		const db = createDb(cfg.databaseUrl, 1);
		return { url: cfg.databaseUrl, db, close: () => db.destroy() };
	}
	const dir = embeddedDataDir(cfg);
	if (!options.create && !fs.existsSync(path.join(dir, 'PG_VERSION'))) {
		throw new Error(`there is no embedded database under ${dir} (and DATABASE_URL is not set)`);
	}
	const shared = postmasterRunning(dir);
	const server = await startEmbeddedPostgres({ dir });
	if (options.create) await ensureDatabase(server.urlFor('postgres'), 'commons');
	const url = server.urlFor('commons');
	const db = createDb(url, 1);
	return {
		url,
		db,
		close: async () => {
			await db.destroy();
			if (!shared) await server.stop();
		}
	};
}
