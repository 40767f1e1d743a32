/**
 * `npm run audit:verify` (scripts/audit-verify.ts) against a real database and real evidence
 * packs: the batched walk, the printed verdict and exit code, and the script run by plain Node.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import {
	formatVerdict,
	main,
	verifyAuditTrail,
	verifyEvidencePack
} from '../../scripts/audit-verify.ts';
import { listAuditChain } from '../../src/lib/server/audit/audit.repository.ts';
import { recordStandalone } from '../../src/lib/server/audit/audit.service.ts';
import { systemContext } from '../../src/lib/server/context.ts';
import { createTestDatabase } from './database.ts';

const { db, url } = await createTestDatabase();

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'commons-audit-verify-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function writePack(name: string, pack: unknown): string {
	const file = path.join(dir, name);
	fs.writeFileSync(file, JSON.stringify(pack, null, 2));
	return file;
}

async function runMain(argv: string[]) {
	const lines: string[] = [];
	const code = await main(argv, (line) => lines.push(line));
	return { code, output: lines.join('\n') };
}

/** The script as `npm run audit:verify` runs it: plain Node, type stripping, no Vite. */
function runScript(argv: string[], env: Record<string, string> = {}) {
	const result = spawnSync(process.execPath, ['scripts/audit-verify.ts', ...argv], {
		cwd: ROOT,
		env: { ...process.env, ...env },
		encoding: 'utf8',
		timeout: 60_000
	});
	return { code: result.status, output: `${result.stdout}${result.stderr}`.trim() };
}

async function tamper(statement: ReturnType<typeof sql>) {
	await sql`alter table audit_event disable trigger audit_event_append_only`.execute(db);
	try {
		await statement.execute(db);
	} finally {
		await sql`alter table audit_event enable trigger audit_event_append_only`.execute(db);
	}
}

describe('verifyAuditTrail', () => {
	it('finds an empty trail intact', async () => {
		const verdict = await verifyAuditTrail(db);
		expect(verdict).toMatchObject({ ok: true, checked: 0 });
		expect(formatVerdict(verdict)).toBe('Audit trail intact: 0 events verified.');
	});

	it('walks every event across batches, carrying the last hash', async () => {
		for (let i = 0; i < 25; i++) {
			await recordStandalone(systemContext, {
				action: 'test.verify',
				objectId: i,
				details: { i, batch: Math.floor(i / 10) }
			});
		}
		const all = await listAuditChain(db, 0, 1000);
		for (const batchSize of [1000, 10, 5, 1]) {
			const verdict = await verifyAuditTrail(db, batchSize);
			expect(verdict, `batches of ${batchSize}`).toEqual({
				ok: true,
				checked: 25,
				lastHash: all.at(-1)!.hash
			});
		}
		expect(formatVerdict(await verifyAuditTrail(db))).toBe(
			'Audit trail intact: 25 events verified.'
		);
	});
});

describe('evidence packs', () => {
	it('verifies a pack exported as JSON (dates as ISO strings), whole or as an excerpt', async () => {
		const rows = await listAuditChain(db, 0, 1000);
		const whole = writePack('whole.json', { auditEvents: rows });
		expect(JSON.parse(fs.readFileSync(whole, 'utf8')).auditEvents[0].occurredAt).toMatch(
			/^\d{4}-\d\d-\d\dT/
		);
		expect(await runMain(['--pack', whole])).toEqual({
			code: 0,
			output: 'Audit trail intact: 25 events verified.'
		});

		const excerpt = rows.slice(10, 20);
		const withStart = writePack('excerpt.json', {
			auditEvents: excerpt,
			startPrevHash: rows[9]!.hash
		});
		expect(await runMain(['--pack', withStart])).toEqual({
			code: 0,
			output: 'Audit trail intact: 10 events verified.'
		});
		// An excerpt without its starting hash does not link to the genesis.
		const withoutStart = writePack('excerpt-no-start.json', { auditEvents: excerpt });
		expect(await runMain(['--pack', withoutStart])).toMatchObject({
			code: 1,
			output: expect.stringContaining(`Audit trail BROKEN at event #${rows[10]!.id}:`)
		});
	});

	it('names the event that was altered, removed or renumbered in a pack', async () => {
		const rows = JSON.parse(JSON.stringify(await listAuditChain(db, 0, 1000))) as {
			id: number;
			details: Record<string, unknown>;
		}[];
		const altered = rows.map((r, i) => (i === 7 ? { ...r, details: { ...r.details, i: 99 } } : r));
		expect(verifyEvidencePack({ auditEvents: altered })).toMatchObject({
			ok: false,
			brokenId: rows[7]!.id,
			reason: expect.stringMatching(/altered/)
		});
		const removed = rows.filter((_, i) => i !== 12);
		expect(verifyEvidencePack({ auditEvents: removed })).toMatchObject({
			ok: false,
			brokenId: rows[13]!.id
		});
		const swapped = [...rows];
		[swapped[3], swapped[4]] = [swapped[4]!, swapped[3]!];
		expect(verifyEvidencePack({ auditEvents: swapped })).toMatchObject({
			ok: false,
			brokenId: rows[4]!.id
		});
		const renumbered = rows.map((r, i) => (i === 5 ? { ...r, id: 1 } : r));
		expect(verifyEvidencePack({ auditEvents: renumbered })).toMatchObject({
			ok: false,
			brokenId: 1,
			reason: expect.stringMatching(/ids were changed/)
		});

		const file = writePack('altered.json', { auditEvents: altered });
		expect(await runMain(['--pack', file])).toEqual({
			code: 1,
			output: `Audit trail BROKEN at event #${rows[7]!.id}: its content does not match its hash (the row was altered)`
		});
	});

	it('refuses, with exit code 2, a pack it cannot read or that has the wrong shape', async () => {
		const cases: [string, string | object][] = [
			['not-json.json', '{ "auditEvents": ['],
			['no-events.json', { events: [] }],
			['bad-date.json', { auditEvents: [{ id: 1, occurredAt: 'yesterday' }] }],
			['bad-start.json', { auditEvents: [], startPrevHash: 'abc' }]
		];
		for (const [name, content] of cases) {
			const file = path.join(dir, name);
			fs.writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
			const result = await runMain(['--pack', file]);
			expect(result.code, name).toBe(2);
			expect(result.output, name).toMatch(/^Could not verify the audit trail: /);
		}
		expect((await runMain(['--pack', path.join(dir, 'missing.json')])).code).toBe(2);
		expect((await runMain(['--unknown-flag'])).code).toBe(2);
	});
});

describe('the command', () => {
	it('runs under plain Node against DATABASE_URL and against a pack', () => {
		expect(runScript([], { DATABASE_URL: url })).toEqual({
			code: 0,
			output: 'Audit trail intact: 25 events verified.'
		});
		expect(runScript(['--pack', path.join(dir, 'altered.json')])).toMatchObject({
			code: 1,
			output: expect.stringContaining('Audit trail BROKEN at event #')
		});
	});

	// Runs last: it breaks this file's chain on purpose.
	it('names an altered row in the database and exits with 1', async () => {
		const rows = await listAuditChain(db, 0, 1000);
		const victim = rows[11]!; // the second row of the second batch of 10
		await tamper(sql`update audit_event set action = 'test.innocent' where id = ${victim.id}`);

		for (const batchSize of [1000, 10, 1]) {
			expect(await verifyAuditTrail(db, batchSize), `batches of ${batchSize}`).toMatchObject({
				ok: false,
				checked: 11,
				brokenId: victim.id
			});
		}
		const expected = `Audit trail BROKEN at event #${victim.id}: its content does not match its hash (the row was altered)`;
		expect(runScript([], { DATABASE_URL: url })).toEqual({ code: 1, output: expected });

		// A deleted row is named by the row after it (checked before the altered one, so restore first).
		await tamper(sql`update audit_event set action = ${victim.action} where id = ${victim.id}`);
		await tamper(sql`delete from audit_event where id = ${rows[3]!.id}`);
		expect(await verifyAuditTrail(db, 10)).toMatchObject({ ok: false, brokenId: rows[4]!.id });
	});
});
