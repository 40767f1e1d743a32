/**
 * Official memos against a real database: who may issue to whom, audience resolution in one
 * statement (sub-departments, roles, exclusions, later joiners), the approval lifecycle and
 * bad input (see memo-acknowledge.test.ts for acknowledgements).
 */
import { describe, expect, it } from 'vitest';
import { ConflictError, ForbiddenError, ValidationError } from '../../src/lib/server/errors.ts';
import {} from '../../src/lib/server/memos/memo-ack.service.ts';
import {} from '../../src/lib/server/memos/memo-exception.service.ts';
import { previewMemoAudience } from '../../src/lib/server/memos/memo-publish.service.ts';
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
