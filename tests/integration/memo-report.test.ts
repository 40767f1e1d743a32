/**
 * The memo report against a real database and real sockets: counts, the department roll-up,
 * the filtered keyset list, CSV, live progress in `memo:<id>:report` after a policy-checked
 * join, and the evidence pack that verifies offline and fails once one row is altered.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, describe, expect, it } from 'vitest';
import { main, verifyAuditTrail } from '../../scripts/audit-verify.ts';
import { recordStandalone } from '../../src/lib/server/audit/audit.service.ts';
import { systemContext } from '../../src/lib/server/context.ts';
import { verifyMemoRecordsInDatabase } from '../../src/lib/server/memos/memo-evidence.repository.ts';
import { acknowledgeMemo, openMemo } from '../../src/lib/server/memos/memo-ack.service.ts';
import {
	acknowledgeOnBehalf,
	extendDueDate
} from '../../src/lib/server/memos/memo-exception.service.ts';
import { amendMemo } from '../../src/lib/server/memos/memo-publish.service.ts';
import {
	buildMemoEvidencePack,
	exportMemoReportCsv,
	getMemoReport,
	getMemoReportCounts,
	getMemoReportPage,
	listMemoReportPeople
} from '../../src/lib/server/memos/memo-report.service.ts';
import { attachRealtime } from '../../src/lib/server/realtime/attach.ts';
import { registerRealtimeHandlers } from '../../src/lib/server/realtime/handlers.ts';
import { ForbiddenError } from '../../src/lib/server/errors.ts';
import type { MemoReportEvent } from '../../src/lib/shared/memos.ts';
import { contextFor, newDepartment, newUser } from '../factories.ts';
import { createTestDatabase } from './database.ts';
import { draft, memoOrganisation, publishNew } from './memo-fixtures.ts';
import { sessionTokenFor } from './sessions.ts';

const { db } = await createTestDatabase();
const { departments: d, people: p, as } = await memoOrganisation(db, 'rep');

const server = http.createServer();
const io = attachRealtime(server);
registerRealtimeHandlers();
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const sockets: Socket[] = [];
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'commons-memo-pack-'));
afterAll(async () => {
	for (const s of sockets) s.close();
	await io.close();
	fs.rmSync(dir, { recursive: true, force: true });
});

async function client(userId: number) {
	const token = await sessionTokenFor(db, userId);
	const socket = connect(url, {
		path: '/realtime',
		transports: ['websocket'],
		forceNew: true,
		reconnection: false,
		extraHeaders: { cookie: `commons_session=${token}` }
	});
	sockets.push(socket);
	const heard: MemoReportEvent[] = [];
	socket.on('memo:report', (e: MemoReportEvent) => heard.push(e));
	await new Promise<void>((resolve, reject) => {
		socket.once('connect', resolve);
		socket.once('connect_error', reject);
	});
	return { socket, heard };
}

async function eventually(probe: () => boolean, what: string, ms = 5000) {
	for (let waited = 0; waited < ms; waited += 25) {
		if (probe()) return;
		await new Promise((resolve) => setTimeout(resolve, 25));
	}
	throw new Error(`timed out waiting for ${what}`);
}

const memo = await publishNew(
	as.chief,
	draft({
		issuingDepartmentId: d.agency.id,
		audience: [{ kind: 'department', departmentId: d.ops.id, includeSub: true, exclude: false }]
	})
);
// ops: olga; field: fred; north: nina, noah

describe('the report', () => {
	it('counts states and rolls them up along the department tree', async () => {
		await openMemo(as.fred, memo.id);
		await acknowledgeMemo(as.nina, memo.id, { version: 1, attested: false, answer: null });
		const report = await getMemoReport(as.chief, memo.id);
		expect(report.counts).toMatchObject({
			total: 4,
			acknowledged: 1,
			viewed: 1,
			pending: 3,
			overdue: 0
		});
		const byName = Object.fromEntries(report.rollup.map((r) => [r.name, r.counts]));
		expect(byName).toEqual({
			Operations: { total: 4, acknowledged: 1, viewed: 1, pending: 3, overdue: 0 },
			Field: { total: 3, acknowledged: 1, viewed: 1, pending: 2, overdue: 0 },
			North: { total: 2, acknowledged: 1, viewed: 0, pending: 1, overdue: 0 },
			Agency: { total: 4, acknowledged: 1, viewed: 1, pending: 3, overdue: 0 }
		});
		// The report's counts (summed from its roll-up's pass) are the live counts.
		expect(report.counts).toEqual(await getMemoReportCounts(as.chief, memo.id));
		await expect(getMemoReport(as.fred, memo.id)).rejects.toThrow(ForbiddenError);
		// Overdue is counted against the reader's clock.
		const later = await getMemoReport(as.chief, memo.id, new Date('2099-02-01T00:00:00Z'));
		expect(later.counts.overdue).toBe(3);
	});

	it('lists people by status and department, a page at a time, and exports CSV', async () => {
		const first = await listMemoReportPeople(as.chief, memo.id, { limit: 2 });
		expect(first.people).toHaveLength(2);
		const second = await listMemoReportPeople(as.chief, memo.id, {
			limit: 2,
			cursor: first.nextCursor!
		});
		expect([...first.people, ...second.people].map((x) => x.userId).sort()).toEqual(
			[p.olga.id, p.fred.id, p.nina.id, p.noah.id].sort()
		);
		expect(second.nextCursor).toBeNull();
		const acked = await listMemoReportPeople(as.chief, memo.id, {
			limit: 50,
			status: 'acknowledged'
		});
		expect(acked.people).toMatchObject([{ name: 'Nina North', acknowledgedVersion: 1 }]);
		const field = await listMemoReportPeople(as.chief, memo.id, {
			limit: 50,
			departmentId: d.field.id,
			status: 'pending'
		});
		expect(field.people.map((x) => x.name).sort()).toEqual(['Fred Field', 'Noah North']);

		await acknowledgeOnBehalf(as.olga, memo.id, p.noah.id, { reason: 'Read aloud at the depot' });
		await extendDueDate(as.olga, memo.id, p.fred.id, {
			dueOn: '2099-02-28',
			reason: 'Parental leave'
		});
		const csv = await exportMemoReportCsv(as.chief, memo.id);
		const lines = csv.trim().split('\n');
		expect(lines[0]).toMatch(/^name,email,department,status/);
		expect(lines).toHaveLength(5);
		expect(csv).toContain('recorded by Olga Ops: Read aloud at the depot');
		expect(lines.find((l) => l.startsWith('Fred Field'))).toMatch(/viewed,2099-02-28.*,yes,$/);
	});

	it('serves its page from one read of the memo, and audits a refusal once', async () => {
		const page = await getMemoReportPage(as.chief, memo.id, { limit: 50 });
		expect(page.report).toEqual(await getMemoReport(as.chief, memo.id));
		expect(page.people).toEqual(await listMemoReportPeople(as.chief, memo.id, { limit: 50 }));
		// The chief manages the agency, so every person listed is in a department under them.
		expect(page.mayRecordException.sort()).toEqual(page.people.people.map((x) => x.userId).sort());
		expect(page.mayRecordException.length).toBeGreaterThan(0);
		const denials = () =>
			db
				.selectFrom('auditEvent')
				.where('actorId', '=', p.fred.id)
				.where('outcome', '=', 'denied')
				.select((eb) => eb.fn.countAll<number>().as('n'))
				.executeTakeFirstOrThrow();
		const before = Number((await denials()).n);
		await expect(getMemoReportPage(as.fred, memo.id, { limit: 50 })).rejects.toThrow(
			ForbiddenError
		);
		expect(Number((await denials()).n)).toBe(before + 1);
	});

	it('moves live for watchers allowed to see it, never for others', async () => {
		const chief = await client(p.chief.id);
		const fred = await client(p.fred.id);
		const watch = await chief.socket
			.timeout(5000)
			.emitWithAck('memo:watch-report', { memoId: memo.id });
		expect(watch).toMatchObject({ ok: true, data: { counts: { acknowledged: 2 } } });
		const refused = await fred.socket
			.timeout(5000)
			.emitWithAck('memo:watch-report', { memoId: memo.id });
		expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden' } });
		await acknowledgeMemo(as.olga, memo.id, { version: 1, attested: false, answer: null });
		// An announcement of the earlier acknowledgements may still be on its way (they are sent
		// at most every 250 ms): wait for the one that counts this acknowledgement.
		await eventually(
			() =>
				chief.heard.some(
					(e) => (e as { counts: { acknowledged: number } }).counts.acknowledged === 3
				),
			'the report event'
		);
		expect(chief.heard.at(-1)).toMatchObject({
			memoId: memo.id,
			counts: { acknowledged: 3, total: 4 }
		});
		await new Promise((resolve) => setTimeout(resolve, 150));
		expect(fred.heard).toEqual([]);
	});
});

describe('the CSV export', () => {
	it('keeps a cell a spreadsheet would run as a formula as text', async () => {
		const unit = await newDepartment(db, { slug: 'rep-csv', name: 'Csv', parentId: d.ops.id });
		await newUser(db, { name: '=HYPERLINK("https://evil.test","Open")', departmentId: unit.id });
		await newUser(db, { name: 'Plain Person', departmentId: unit.id });
		const olga = await contextFor(db, p.olga.id); // she manages the new unit too
		const sent = await publishNew(
			olga,
			draft({
				issuingDepartmentId: d.ops.id,
				audience: [{ kind: 'department', departmentId: unit.id, includeSub: false, exclude: false }]
			})
		);
		const lines = (await exportMemoReportCsv(olga, sent.id)).trim().split('\n');
		expect(lines.find((l) => l.includes('HYPERLINK'))).toMatch(/^"'=HYPERLINK\(/);
		expect(lines.some((l) => l.startsWith('Plain Person,'))).toBe(true);
	});
});

describe('the evidence pack', () => {
	async function verify(pack: unknown) {
		const file = path.join(dir, `pack-${Math.random()}.json`);
		fs.writeFileSync(file, JSON.stringify(pack));
		const lines: string[] = [];
		const code = await main(['--pack', file], (l) => lines.push(l));
		return { code, output: lines.join('\n') };
	}

	it('verifies offline, and fails once a single acknowledgement row is altered', async () => {
		// Something unrelated in the trail between the memo's events: the pack keeps it as a link.
		await recordStandalone(systemContext, { action: 'test.unrelated', details: { secret: 'x' } });
		await amendMemo(as.chief, memo.id, {
			body: 'Lock screens and drawers.\n',
			kind: 'editorial',
			note: ''
		});
		const pack = await buildMemoEvidencePack(as.chief, memo.id);
		expect(pack.versions).toHaveLength(2);
		expect(pack.acknowledgements).toHaveLength(3);
		expect(pack.exceptions).toHaveLength(2);
		expect(pack.auditEvents.some((e) => 'redacted' in e)).toBe(true);
		expect(JSON.stringify(pack)).not.toContain('test.unrelated');
		expect(await verify(pack)).toMatchObject({
			code: 0,
			output: expect.stringMatching(/^Audit trail intact/)
		});
		// Tampering with the pack itself is found too.
		const forged = JSON.parse(JSON.stringify(pack));
		forged.acknowledgements[0].acknowledgedAt = '2020-01-01T00:00:00.000Z';
		expect(await verify(forged)).toMatchObject({
			code: 1,
			output: expect.stringMatching(/was altered/)
		});

		const nina = pack.acknowledgements.find((a) => a.userId === p.nina.id)!;
		await sql`alter table memo_acknowledgement disable trigger memo_acknowledgement_append_only`.execute(
			db
		);
		await sql`update memo_acknowledgement set version_number = 2 where id = ${nina.id}`.execute(db);
		await sql`alter table memo_acknowledgement enable trigger memo_acknowledgement_append_only`.execute(
			db
		);
		const after = await buildMemoEvidencePack(as.chief, memo.id);
		expect(await verify(after)).toMatchObject({ code: 1, output: expect.stringMatching(/BROKEN/) });
		// And `npm run audit:verify` on the database names it.
		const verdict = await verifyMemoRecordsInDatabase(db, await verifyAuditTrail(db));
		expect(verdict).toMatchObject({
			ok: false,
			reason: expect.stringMatching(`acknowledgement ${nina.id} does not match`)
		});
	});

	it('refuses append-only rows being changed in the ordinary way', async () => {
		await expect(sql`update memo_version set title = 'x'`.execute(db)).rejects.toThrow(
			/append-only/
		);
		await expect(sql`delete from memo_acknowledgement`.execute(db)).rejects.toThrow(/append-only/);
	});
});
