/**
 * A throwaway PostgreSQL cluster in a temporary folder, for the tests and for generating
 * `schema.ts`. Never used by the app itself.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedPostgres, type EmbeddedOptions, type EmbeddedServer } from './embedded.ts';

export async function startScratchPostgres(
	options: Pick<EmbeddedOptions, 'sharedBuffers'> = {}
): Promise<EmbeddedServer> {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'commons-pg-'));
	fs.chmodSync(dir, 0o755);
	const server = await startEmbeddedPostgres({
		dir: path.join(dir, 'data'),
		fast: true,
		...options
	});
	return {
		urlFor: server.urlFor,
		async stop() {
			await server.stop();
			fs.rmSync(dir, { recursive: true, force: true });
		}
	};
}
