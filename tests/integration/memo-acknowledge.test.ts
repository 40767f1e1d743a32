/**
 * Acknowledging memos against a real database: the record kept, idempotent under concurrent
 * double clicks, refusals (not addressed, superseded, retracted), comprehension questions,
 * material and editorial amendments, exceptions, acknowledgements of one memo side by side, and
 * the hash chain over acknowledgements written concurrently.
 */
import { sql } from 'kysely';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { verifyAuditTrail, verifyEvidencePack } from '../../scripts/audit-verify.ts';
import { listAuditChain } from '../../src/lib/server/audit/audit.repository.ts';
import {
	ConflictError,
	ForbiddenError,
	NotFoundError,
	ValidationError
} from '../../src/lib/server/errors.ts';
import {
	acknowledgeMemo,
	listMyPendingMemos,
	openMemo,
	SupersededVersionError
} from '../../src/lib/server/memos/memo-ack.service.ts';
import {
	acknowledgeOnBehalf,
	extendDueDate
} from '../../src/lib/server/memos/memo-exception.service.ts';
import { verifyMemoRecordsInDatabase } from '../../src/lib/server/memos/memo-evidence.repository.ts';
import { acknowledgeAtomically } from '../../src/lib/server/memos/memo-record.ts';
import { getVersion } from '../../src/lib/server/memos/memo.repository.ts';
import { amendMemo, retractMemo } from '../../src/lib/server/memos/memo-publish.service.ts';
import {
	buildMemoEvidencePack,
	getMemoReportPage
} from '../../src/lib/server/memos/memo-report.service.ts';
import { contextFor, newDepartment, newUser } from '../factories.ts';
import { createTestDatabase } from './database.ts';
import { draft, memoOrganisation, publishNew } from './memo-fixtures.ts';

const { db, url } = await createTestDatabase();
const { departments: d, people: p, as } = await memoOrganisation(db, 'a');

describe('acknowledging', () => {
	it('records person, version, content hash, time, IP and user agent; viewed separately', async () => {
		const memo = await publishNew(
			as.olga,
			draft({
				issuingDepartmentId: d.ops.id,
				audience: [
					{ kind: 'department', departmentId: d.field.id, includeSub: true, exclude: false }
				]
			})
		);
		expect((await listMyPendingMemos(as.nina)).map((m) => m.id)).toContain(memo.id);
		const view = await openMemo(as.nina, memo.id);
		expect(view.recipient).toMatchObject({ state: 'pending' });
		expect(view.recipient?.firstViewedAt).not.toBeNull();
		const { acknowledgement } = await acknowledgeMemo(as.nina, memo.id, {
			version: 1,
			attested: false,
			answer: null
		});
		expect(acknowledgement).toMatchObject({
			userId: p.nina.id,
			versionNumber: 1,
			contentHash: view.version!.contentHash,
			ip: '127.0.0.1',
			userAgent: 'vitest'
		});
		expect((await listMyPendingMemos(as.nina)).map((m) => m.id)).not.toContain(memo.id);
	});

	it('is idempotent under concurrent double clicks', async () => {
		const memo = await publishNew(
			as.olga,
			draft({
				issuingDepartmentId: d.ops.id,
				audience: [
					{ kind: 'department', departmentId: d.field.id, includeSub: true, exclude: false }
				]
			})
		);
		const results = await Promise.all(
			Array.from({ length: 6 }, () =>
				acknowledgeMemo(as.noah, memo.id, { version: 1, attested: false, answer: null })
			)
		);
		expect(new Set(results.map((r) => r.acknowledgement.id)).size).toBe(1);
		expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
		// A click after it committed is answered from the recipient's record, before any lock.
		const later = await acknowledgeMemo(as.noah, memo.id, {
			version: 1,
			attested: false,
			answer: null
		});
		expect(later).toEqual({ acknowledgement: results[0]!.acknowledgement, duplicate: true });
		const audits = await db
			.selectFrom('auditEvent')
			.where('action', '=', 'memo.acknowledge')
			.where('objectId', '=', String(results[0]!.acknowledgement.id))
			.select('id')
			.execute();
		expect(audits).toHaveLength(1);
	});

	it('refuses memos not addressed to you (403, audited), retracted ones, and superseded versions', async () => {
		const memo = await publishNew(
			as.olga,
			draft({
				issuingDepartmentId: d.ops.id,
				audience: [
					{ kind: 'department', departmentId: d.field.id, includeSub: true, exclude: false }
				]
			})
		);
		await expect(
			acknowledgeMemo(as.lena, memo.id, { version: 1, attested: false, answer: null })
		).rejects.toThrow(ForbiddenError);
		const denied = await db
			.selectFrom('auditEvent')
			.where('action', '=', 'memo.acknowledge')
			.where('objectId', '=', String(memo.id))
			.where('outcome', '=', 'denied')
			.select('actorId')
			.execute();
		expect(denied).toEqual([{ actorId: p.lena.id }]);

		await amendMemo(as.olga, memo.id, { body: 'New text\n', kind: 'editorial', note: '' });
		const stale = await acknowledgeMemo(as.fred, memo.id, {
			version: 1,
			attested: false,
			answer: null
		}).catch((e) => e);
		expect(stale).toBeInstanceOf(SupersededVersionError);
		expect(stale).toMatchObject({ status: 409, currentVersion: 2 });

		await retractMemo(as.olga, memo.id, { reason: 'Wrong audience' });
		await expect(
			acknowledgeMemo(as.fred, memo.id, { version: 2, attested: false, answer: null })
		).rejects.toThrow(/retracted/);
	});

	it('explains a wrong comprehension answer and records every attempt', async () => {
		const memo = await publishNew(
			as.olga,
			draft({
				issuingDepartmentId: d.ops.id,
				attestation: 'I will lock my screen.',
				question: {
					prompt: 'What do you lock?',
					options: ['The door', 'The screen'],
					answer: 1,
					explanation: 'The memo asks you to lock your screen.'
				},
				audience: [
					{ kind: 'department', departmentId: d.field.id, includeSub: true, exclude: false }
				]
			})
		);
		await expect(
			acknowledgeMemo(as.fred, memo.id, { version: 1, attested: false, answer: 1 })
		).rejects.toThrow(/Tick the statement/);
		const wrong = await acknowledgeMemo(as.fred, memo.id, {
			version: 1,
			attested: true,
			answer: 0
		}).catch((e) => e);
		expect(wrong).toBeInstanceOf(ValidationError);
		expect(wrong.message).toMatch(/lock your screen/);
		const ok = await acknowledgeMemo(as.fred, memo.id, { version: 1, attested: true, answer: 1 });
		expect(ok.acknowledgement.attested).toBe(true);
		const attempts = await db
			.selectFrom('memoComprehensionAttempt')
			.select(['answer', 'correct'])
			.where('memoId', '=', memo.id)
			.orderBy('id')
			.execute();
		expect(attempts).toEqual([
			{ answer: 0, correct: false },
			{ answer: 1, correct: true }
		]);
	});
});

describe('amendments', () => {
	it('material puts everyone back to pending; editorial keeps earlier acknowledgements', async () => {
		const memo = await publishNew(
			as.olga,
			draft({
				issuingDepartmentId: d.ops.id,
				audience: [
					{ kind: 'department', departmentId: d.field.id, includeSub: true, exclude: false }
				]
			})
		);
		await acknowledgeMemo(as.fred, memo.id, { version: 1, attested: false, answer: null });
		const editorial = await amendMemo(as.olga, memo.id, {
			body: '# Clean desk\n\nLock your screen!\n',
			kind: 'editorial',
			note: 'Typo'
		});
		expect(editorial).toMatchObject({ version: 2, reset: 0 });
		expect(editorial.diff.added).toBe(1);
		let fred = await openMemo(as.fred, memo.id);
		expect(fred.recipient).toMatchObject({ state: 'acknowledged', acknowledgedVersion: 1 });
		await acknowledgeMemo(as.nina, memo.id, { version: 2, attested: false, answer: null });

		const material = await amendMemo(as.olga, memo.id, {
			body: '# Clean desk\n\nLock your screen and drawers.\n',
			kind: 'material',
			note: ''
		});
		expect(material).toMatchObject({ version: 3, reset: 2 });
		fred = await openMemo(as.fred, memo.id);
		expect(fred.recipient).toMatchObject({ state: 'pending', acknowledgedVersion: 1 });
		expect(fred.changes).toMatchObject({ fromVersion: 1, added: 1, removed: 1 });
		await acknowledgeMemo(as.fred, memo.id, { version: 3, attested: false, answer: null });
		const acks = await db
			.selectFrom('memoAcknowledgement')
			.select(['userId', 'versionNumber'])
			.where('memoId', '=', memo.id)
			.orderBy('id')
			.execute();
		expect(acks).toEqual([
			{ userId: p.fred.id, versionNumber: 1 },
			{ userId: p.nina.id, versionNumber: 2 },
			{ userId: p.fred.id, versionNumber: 3 }
		]);
	});
});

/** Waits until `count` sessions of this database are waiting for a lock. */
async function waitForLockWaiters(client: pg.Client, count: number) {
	for (let i = 0; i < 500; i++) {
		const { rows } = await client.query<{ n: number }>(
			`select count(*)::int as n from pg_stat_activity
			 where datname = current_database() and wait_event_type = 'Lock'`
		);
		if (rows[0]!.n >= count) return;
		await new Promise((resolve) => setTimeout(resolve, 10));
	}
	throw new Error(`fewer than ${count} sessions ever waited for a lock`);
}

describe('concurrency', () => {
	it('lets acknowledgements of one memo proceed side by side; an amendment waits for those in flight', async () => {
		const memo = await publishNew(
			as.olga,
			draft({
				issuingDepartmentId: d.ops.id,
				audience: [
					{ kind: 'department', departmentId: d.north.id, includeSub: false, exclude: false }
				]
			})
		);
		// Another session holds Nina's recipient row: her acknowledgement starts and waits there,
		// inside its transaction, with the memo already read.
		const blocker = new pg.Client({ connectionString: url });
		await blocker.connect();
		try {
			await blocker.query('begin');
			await blocker.query(
				'select 1 from memo_recipient where memo_id = $1 and user_id = $2 for update',
				[memo.id, p.nina.id]
			);
			const nina = acknowledgeMemo(as.nina, memo.id, { version: 1, attested: false, answer: null });
			await waitForLockWaiters(blocker, 1);

			// Noah's acknowledgement of the same memo does not queue behind hers.
			const noah = await acknowledgeMemo(as.noah, memo.id, {
				version: 1,
				attested: false,
				answer: null
			});
			expect(noah.duplicate).toBe(false);

			// A material amendment waits for Nina's acknowledgement in flight, then resets it too.
			const amend = amendMemo(as.olga, memo.id, {
				body: '# Clean desk\n\nLock your screen and drawers.\n',
				kind: 'material',
				note: ''
			});
			await waitForLockWaiters(blocker, 2);
			await blocker.query('commit');
			expect((await nina).duplicate).toBe(false);
			expect(await amend).toMatchObject({ version: 2, reset: 2 });
		} finally {
			await blocker.end();
		}
		const recipients = await db
			.selectFrom('memoRecipient')
			.select(['userId', 'state', 'acknowledgedVersion'])
			.where('memoId', '=', memo.id)
			.orderBy('userId')
			.execute();
		expect(recipients).toEqual([
			{ userId: p.nina.id, state: 'pending', acknowledgedVersion: 1 },
			{ userId: p.noah.id, state: 'pending', acknowledgedVersion: 1 }
		]);
	});
});

describe('the one-statement acknowledgement', () => {
	it('writes nothing, not even an audit entry, once the memo has moved on to another version', async () => {
		const memo = await publishNew(
			as.olga,
			draft({
				issuingDepartmentId: d.ops.id,
				audience: [
					{ kind: 'department', departmentId: d.north.id, includeSub: false, exclude: false }
				]
			})
		);
		const v1 = await getVersion(db, memo.id, 1);
		await amendMemo(as.olga, memo.id, { body: 'Changed.\n', kind: 'material', note: '' });
		const events = async () =>
			(
				await db
					.selectFrom('auditEvent')
					.select((eb) => eb.fn.countAll<number>().as('n'))
					.executeTakeFirstOrThrow()
			).n;
		const before = await events();
		// As if the amendment committed between the service's read and its statement.
		const outcome = await acknowledgeAtomically(db, as.nina, {
			id: 9_000_001,
			memoId: memo.id,
			userId: p.nina.id,
			versionNumber: 1,
			contentHash: v1!.contentHash,
			acknowledgedAt: new Date(),
			ip: null,
			userAgent: null,
			attested: false,
			onBehalfBy: null,
			onBehalfReason: null
		});
		expect(outcome).toEqual({ locked: false });
		expect(await events()).toBe(before);
		expect(
			await db.selectFrom('memoAcknowledgement').where('id', '=', 9_000_001).select('id').execute()
		).toEqual([]);
		const nina = await db
			.selectFrom('memoRecipient')
			.select('state')
			.where('memoId', '=', memo.id)
			.where('userId', '=', p.nina.id)
			.executeTakeFirstOrThrow();
		expect(nina.state).toBe('pending');
		// Through the service the same race is answered with the new version's number.
		await expect(
			acknowledgeMemo(as.nina, memo.id, { version: 1, attested: false, answer: null })
		).rejects.toThrow(SupersededVersionError);
	});
});

describe('exceptions', () => {
	it('extends one due date and records an acknowledgement on behalf, each with a reason', async () => {
		const memo = await publishNew(
			as.olga,
			draft({
				issuingDepartmentId: d.ops.id,
				audience: [
					{ kind: 'department', departmentId: d.field.id, includeSub: true, exclude: false }
				]
			})
		);
		await expect(
			extendDueDate(as.fred, memo.id, p.nina.id, { dueOn: '2099-03-01', reason: 'Leave' })
		).rejects.toThrow(ForbiddenError);
		const ext = await extendDueDate(as.olga, memo.id, p.nina.id, {
			dueOn: '2099-03-01',
			reason: 'On leave'
		});
		expect(ext).toMatchObject({
			kind: 'extension',
			previousDueOn: '2099-01-31',
			newDueOn: '2099-03-01'
		});
		const ack = await acknowledgeOnBehalf(as.olga, memo.id, p.noah.id, {
			reason: 'Read to him in person'
		});
		expect(ack).toMatchObject({
			userId: p.noah.id,
			onBehalfBy: p.olga.id,
			onBehalfReason: 'Read to him in person'
		});
		await expect(
			acknowledgeOnBehalf(as.olga, memo.id, p.noah.id, { reason: 'again' })
		).rejects.toThrow(ConflictError);
		// A refusal says nothing about who received the memo: Nina is a recipient, Lena is not.
		const reason = { dueOn: '2099-03-01', reason: 'Probing' };
		await expect(extendDueDate(as.fred, memo.id, p.lena.id, reason)).rejects.toThrow(
			ForbiddenError
		);
		await expect(acknowledgeOnBehalf(as.fred, memo.id, p.lena.id, reason)).rejects.toThrow(
			ForbiddenError
		);
		// Those who see the whole audience hear that it is not addressed to her.
		await expect(extendDueDate(as.olga, memo.id, p.lena.id, reason)).rejects.toThrow(NotFoundError);
	});

	it('never lets a manager make an exception for themselves', async () => {
		const memo = await publishNew(
			as.chief,
			draft({
				issuingDepartmentId: d.agency.id,
				question: {
					prompt: 'Where is the fire exit?',
					options: ['The lift', 'The stairs'],
					answer: 1,
					explanation: 'Never the lift in a fire.'
				},
				audience: [
					{ kind: 'department', departmentId: d.agency.id, includeSub: true, exclude: false }
				]
			})
		);
		// Olga manages Operations, her own department: still not her own exception to make.
		await expect(
			acknowledgeOnBehalf(as.olga, memo.id, p.olga.id, { reason: 'I read it' })
		).rejects.toThrow(/acknowledge the memo yourself/);
		await expect(
			extendDueDate(as.olga, memo.id, p.olga.id, { dueOn: '2099-03-01', reason: 'Busy' })
		).rejects.toThrow(ForbiddenError);
		// Her own manager may.
		await expect(
			extendDueDate(as.chief, memo.id, p.olga.id, { dueOn: '2099-03-01', reason: 'On leave' })
		).resolves.toMatchObject({ userId: p.olga.id });
		// The issuer, a recipient too, is offered the exceptions for everyone but himself.
		const report = await getMemoReportPage(as.chief, memo.id, { limit: 50 });
		expect(report.mayRecordException).toContain(p.olga.id);
		expect(report.mayRecordException).not.toContain(p.chief.id);
	});
});

// Runs last: it alters a row on purpose, which breaks this file's record.
describe('tamper evidence under concurrent acknowledgements', () => {
	it('chains every acknowledgement once, and names an altered one in the database and in the pack', async () => {
		const unit = await newDepartment(db, { slug: 'a-crowd', name: 'Crowd', parentId: d.ops.id });
		const crowd = await Promise.all(
			Array.from({ length: 16 }, (_, i) =>
				newUser(db, { name: `Crowd ${i}`, departmentId: unit.id }).then((u) => contextFor(db, u.id))
			)
		);
		const memo = await publishNew(
			as.admin,
			draft({
				issuingDepartmentId: d.agency.id,
				audience: [{ kind: 'department', departmentId: unit.id, includeSub: false, exclude: false }]
			})
		);
		const acks = await Promise.all(
			crowd.map((c) => acknowledgeMemo(c, memo.id, { version: 1, attested: false, answer: null }))
		);
		expect(acks.filter((a) => a.duplicate)).toHaveLength(0);

		const chain = await verifyAuditTrail(db);
		expect(chain).toMatchObject({ ok: true });
		expect(await verifyMemoRecordsInDatabase(db, chain)).toEqual(chain);
		const events = await listAuditChain(db, 0, 100_000);
		// No fork: every link is used once.
		expect(new Set(events.map((e) => e.prevHash)).size).toBe(events.length);
		const pack = JSON.parse(JSON.stringify(await buildMemoEvidencePack(as.admin, memo.id)));
		expect(pack.acknowledgements).toHaveLength(crowd.length);
		expect(verifyEvidencePack(pack)).toMatchObject({ ok: true });

		const victim = acks[7]!.acknowledgement;
		await sql`alter table memo_acknowledgement disable trigger memo_acknowledgement_append_only`.execute(
			db
		);
		await sql`update memo_acknowledgement set acknowledged_at = acknowledged_at - interval '1 day'
			where id = ${victim.id}`.execute(db);
		await sql`alter table memo_acknowledgement enable trigger memo_acknowledgement_append_only`.execute(
			db
		);
		expect(await verifyMemoRecordsInDatabase(db, await verifyAuditTrail(db))).toMatchObject({
			ok: false,
			reason: expect.stringMatching(`acknowledgement ${victim.id} does not match`)
		});
		const altered = JSON.parse(JSON.stringify(await buildMemoEvidencePack(as.admin, memo.id)));
		expect(verifyEvidencePack(altered)).toMatchObject({
			ok: false,
			reason: expect.stringMatching(`acknowledgement ${victim.id} does not match`)
		});
	});
});
