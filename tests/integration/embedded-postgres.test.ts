import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureDatabase, startEmbeddedPostgres } from '../../src/lib/server/db/embedded.ts';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'commons-embedded-test-'));
fs.chmodSync(root, 0o755);
const dir = path.join(root, 'postgres');
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

async function query(url: string, text: string) {
	const client = new pg.Client({ connectionString: url });
	await client.connect();
	try {
		return (await client.query(text)).rows;
	} finally {
		await client.end();
	}
}

describe('embedded PostgreSQL', () => {
	it('keeps its data across a stop and a second start (on a new free port)', async () => {
		const first = await startEmbeddedPostgres({ dir, fast: true });
		await ensureDatabase(first.urlFor('postgres'), 'commons');
		await query(
			first.urlFor('commons'),
			"create table kept (note text); insert into kept values ('hello')"
		);
		await first.stop();

		const second = await startEmbeddedPostgres({ dir, fast: true });
		try {
			await ensureDatabase(second.urlFor('postgres'), 'commons');
			expect(await query(second.urlFor('commons'), 'select note from kept')).toEqual([
				{ note: 'hello' }
			]);
		} finally {
			await second.stop();
		}
		expect(fs.existsSync(path.join(dir, 'postmaster.pid'))).toBe(false);
	});

	it('adopts a server left running by a killed process instead of failing on its lock', async () => {
		const orphan = await startEmbeddedPostgres({ dir, fast: true });
		// A second start while the first server still runs (as after a SIGKILL of its owner).
		const adopted = await startEmbeddedPostgres({ dir, fast: true });
		expect(adopted.urlFor('postgres')).toBe(orphan.urlFor('postgres'));
		expect(await query(adopted.urlFor('commons'), 'select count(*)::int as n from kept')).toEqual([
			{ n: 1 }
		]);
		await adopted.stop();
		expect(fs.existsSync(path.join(dir, 'postmaster.pid'))).toBe(false);
	});
});
