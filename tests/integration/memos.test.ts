/**
 * Official memos against a real database: who may issue to whom, audience resolution in one
 * statement (sub-departments, roles, exclusions, later joiners), the approval lifecycle,
 * acknowledgements (idempotent under concurrent double clicks, superseded, retracted, not
 * addressed, comprehension), material and editorial amendments, and exceptions.
 */
import { describe, expect, it } from 'vitest';
import { ConflictError, ForbiddenError, ValidationError } from '../../src/lib/server/errors.ts';
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
import {
	amendMemo,
	previewMemoAudience,
	retractMemo
} from '../../src/lib/server/memos/memo-publish.service.ts';
import {
	approveMemo,
	createMemoDraft,
	returnMemo,
	submitMemo,
	updateMemoDraft
} from '../../src/lib/server/memos/memo.service.ts';
import { updatePerson } from '../../src/lib/server/org/people.service.ts';
import { createTestDatabase } from './database.ts';
import { draft, memoOrganisation, publishNew } from './memo-fixtures.ts';

const { db } = await createTestDatabase();
const { departments: d, people: p, as } = await memoOrganisation(db, 'm');

async function recipientsOf(memoId: number) {
	const rows = await db
		.selectFrom('memoRecipient')
		.select('userId')
		.where('memoId', '=', memoId)
		.orderBy('userId')
		.execute();
	return rows.map((r) => r.userId).sort((a, b) => a - b);
}
const ids = (...people: { id: number }[]) => people.map((x) => x.id).sort((a, b) => a - b);

describe('who may issue to whom', () => {
	it('lets a manager address their subtree only, audited when refused', async () => {
		await expect(
			createMemoDraft(
				as.olga,
				draft({
					issuingDepartmentId: d.ops.id,
					audience: [{ kind: 'organisation', exclude: false }]
				})
			)
		).rejects.toThrow(ForbiddenError);
		await expect(
			createMemoDraft(
				as.olga,
				draft({
					issuingDepartmentId: d.ops.id,
					audience: [
						{ kind: 'department', departmentId: d.legal.id, includeSub: true, exclude: false }
					]
				})
			)
		).rejects.toThrow(/departments you manage/);
		await expect(
			createMemoDraft(as.fred, draft({ issuingDepartmentId: d.field.id }))
		).rejects.toThrow(ForbiddenError);
		const denied = await db
			.selectFrom('auditEvent')
			.where('action', '=', 'memo.issue')
			.where('outcome', '=', 'denied')
			.select('actorId')
			.execute();
		expect(denied.map((r) => r.actorId)).toEqual([p.olga.id, p.olga.id, p.fred.id]);
		const memo = await createMemoDraft(
			as.comms,
			draft({
				issuingDepartmentId: d.legal.id,
				audience: [{ kind: 'organisation', exclude: false }]
			})
		);
		expect(memo.status).toBe('draft');
	});
});

describe('audience resolution', () => {
	it('resolves departments with and without sub-departments, roles, people and exclusions', async () => {
		const withSub = await publishNew(
			as.olga,
			draft({
				issuingDepartmentId: d.ops.id,
				audience: [
					{ kind: 'department', departmentId: d.field.id, includeSub: true, exclude: false }
				]
			})
		);
		expect(await recipientsOf(withSub.id)).toEqual(ids(p.fred, p.nina, p.noah));
		const withoutSub = await publishNew(
			as.olga,
			draft({
				issuingDepartmentId: d.ops.id,
				audience: [
					{ kind: 'department', departmentId: d.field.id, includeSub: false, exclude: false }
				]
			})
		);
		expect(await recipientsOf(withoutSub.id)).toEqual(ids(p.fred));

		const mixed = await createMemoDraft(
			as.comms,
			draft({
				issuingDepartmentId: d.agency.id,
				audience: [
					{ kind: 'department', departmentId: d.ops.id, includeSub: true, exclude: false },
					{ kind: 'role', roleKey: 'admin', exclude: false },
					{ kind: 'person', userId: p.lena.id, exclude: false },
					{ kind: 'department', departmentId: d.north.id, includeSub: true, exclude: true },
					{ kind: 'person', userId: p.fred.id, exclude: true }
				]
			})
		);
		const preview = await previewMemoAudience(as.comms, mixed.id);
		expect(preview.count).toBe(3);
		expect(preview.sample.map((s) => s.name)).toEqual(['Ada Admin', 'Lena Legal', 'Olga Ops']);
		const { publishMemo } = await import('../../src/lib/server/memos/memo-publish.service.ts');
		await publishMemo(as.comms, mixed.id, { publishAt: null });
		expect(await recipientsOf(mixed.id)).toEqual(ids(p.olga, p.admin, p.lena));

		// The whole organisation: every active person, never the deactivated one.
		const everyone = await publishNew(
			as.comms,
			draft({
				issuingDepartmentId: d.agency.id,
				audience: [{ kind: 'organisation', exclude: false }]
			})
		);
		const all = await recipientsOf(everyone.id);
		expect(all).toHaveLength(8);
		expect(all).not.toContain(p.gone.id);
	});

	it('delivers to people who join an audience department later, due from their joining', async () => {
		const memo = await publishNew(
			as.olga,
			draft({
				issuingDepartmentId: d.ops.id,
				includeLaterJoiners: true,
				laterJoinerDays: 10,
				audience: [
					{ kind: 'department', departmentId: d.field.id, includeSub: true, exclude: false }
				]
			})
		);
		const closed = await publishNew(
			as.olga,
			draft({
				issuingDepartmentId: d.ops.id,
				audience: [
					{ kind: 'department', departmentId: d.field.id, includeSub: true, exclude: false }
				]
			})
		);
		const lena = await db
			.selectFrom('users')
			.selectAll()
			.where('id', '=', p.lena.id)
			.executeTakeFirstOrThrow();
		await updatePerson(as.admin, p.lena.id, {
			email: lena.email,
			name: lena.name,
			title: lena.title,
			departmentId: d.north.id,
			managerId: null,
			bio: '',
			avatarUrl: null,
			status: 'active'
		} as never);
		const row = await db
			.selectFrom('memoRecipient')
			.selectAll()
			.where('memoId', '=', memo.id)
			.where('userId', '=', p.lena.id)
			.executeTakeFirstOrThrow();
		const expected = new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 10);
		expect(row).toMatchObject({ joinedLater: true, dueOn: expected, departmentId: d.north.id });
		expect(await recipientsOf(closed.id)).not.toContain(p.lena.id);
		// Back to legal for the other tests.
		await updatePerson(as.admin, p.lena.id, {
			email: lena.email,
			name: lena.name,
			title: lena.title,
			departmentId: d.legal.id,
			managerId: null,
			bio: '',
			avatarUrl: null,
			status: 'active'
		} as never);
	});
});

describe('bad input', () => {
	it('refuses an empty audience, a past due date, editing a published memo', async () => {
		const nobody = await createMemoDraft(
			as.olga,
			draft({
				issuingDepartmentId: d.ops.id,
				audience: [{ kind: 'person', userId: p.gone.id, exclude: false }]
			})
		);
		const { publishMemo } = await import('../../src/lib/server/memos/memo-publish.service.ts');
		await expect(publishMemo(as.olga, nobody.id, { publishAt: null })).rejects.toThrow(
			/audience is empty/
		);
		const none = await createMemoDraft(as.olga, draft({ issuingDepartmentId: d.ops.id }));
		await expect(publishMemo(as.olga, none.id, { publishAt: null })).rejects.toThrow(
			ValidationError
		);
		const past = await createMemoDraft(
			as.olga,
			draft({
				issuingDepartmentId: d.ops.id,
				dueOn: '2020-01-01',
				audience: [{ kind: 'department', departmentId: d.ops.id, includeSub: true, exclude: false }]
			})
		);
		await expect(publishMemo(as.olga, past.id, { publishAt: null })).rejects.toThrow(
			/due date has passed/
		);
		expect(await recipientsOf(nobody.id)).toEqual([]);
		expect(await recipientsOf(past.id)).toEqual([]);

		const input = draft({
			issuingDepartmentId: d.ops.id,
			audience: [{ kind: 'department', departmentId: d.ops.id, includeSub: true, exclude: false }]
		});
		const published = await publishNew(as.olga, input);
		await expect(
			updateMemoDraft(as.olga, published.id, { ...input, body: 'Changed' })
		).rejects.toThrow(/Published text cannot change/);
	});

	it('needs a second person to approve; a returned memo goes back to draft with the comment', async () => {
		const memo = await createMemoDraft(
			as.olga,
			draft({
				issuingDepartmentId: d.ops.id,
				requiresApproval: true,
				audience: [{ kind: 'department', departmentId: d.ops.id, includeSub: true, exclude: false }]
			})
		);
		const { publishMemo } = await import('../../src/lib/server/memos/memo-publish.service.ts');
		await expect(publishMemo(as.olga, memo.id, { publishAt: null })).rejects.toThrow(ConflictError);
		await submitMemo(as.olga, memo.id, { publishAt: null });
		await expect(approveMemo(as.olga, memo.id)).rejects.toThrow(/cannot approve your own memo/);
		await expect(approveMemo(as.fred, memo.id)).rejects.toThrow(ForbiddenError);
		const returned = await returnMemo(as.chief, memo.id, { comment: 'Add the date.' });
		expect(returned).toMatchObject({ status: 'draft', reviewComment: 'Add the date.' });
		await submitMemo(as.olga, memo.id, { publishAt: null });
		const approved = await approveMemo(as.chief, memo.id);
		expect(approved).toMatchObject({
			status: 'published',
			currentVersion: 1,
			reviewedBy: p.chief.id
		});
		const denied = await db
			.selectFrom('auditEvent')
			.where('action', '=', 'memo.approve')
			.where('outcome', '=', 'denied')
			.select('actorId')
			.execute();
		expect(denied.map((r) => r.actorId)).toEqual([p.olga.id, p.fred.id]);
	});
});

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
	});
});
