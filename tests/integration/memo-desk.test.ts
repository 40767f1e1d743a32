/**
 * The issuer's desk against a real database: the memo form's one schema (tokens, boxes, the
 * question, the ladder, a time zone), the lists on the memos page, the departments an issuer
 * may choose, and what a memo's page offers each person at each step of its lifecycle.
 */
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError, ValidationError } from '../../src/lib/server/errors.ts';
import { acknowledgeMemo } from '../../src/lib/server/memos/memo-ack.service.ts';
import {
	describeAudienceTokens,
	getMemoDesk,
	getMemoDeskView,
	getMemoDraftForm,
	getMemoForAmending,
	listIssuerDepartments
} from '../../src/lib/server/memos/memo-desk.service.ts';
import { createMemoDraft, submitMemo } from '../../src/lib/server/memos/memo.service.ts';
import { parseInput } from '../../src/lib/server/validation.ts';
import {
	memoFormSchema,
	memoFormValues,
	memoPublishFormSchema,
	parseAudienceToken
} from '../../src/lib/shared/schemas/memo-form.ts';
import { forgetDepartmentRefs } from '../../src/lib/server/org/department.repository.ts';
import { contextFor, newDepartment, newUser } from '../factories.ts';
import { createTestDatabase } from './database.ts';
import { draft, memoOrganisation, publishNew } from './memo-fixtures.ts';

const { db } = await createTestDatabase();
const { departments: d, people: p, as } = await memoOrganisation(db, 'desk');

const form = (values: Record<string, string | string[]>) => ({
	title: 'Fire drill',
	body: 'Leave by the stairs.',
	category: 'notice',
	issuingDepartmentId: String(d.ops.id),
	dueOn: '2099-03-01',
	reminderOnPublish: 'on',
	reminderBeforeDue: '7, 3',
	reminderOnDue: 'on',
	reminderOverdueEvery: '2',
	laterJoinerDays: '14',
	audience: [`department:${d.ops.id}`, `-person:${p.fred.id}`],
	...values
});

describe('the memo form schema', () => {
	it('turns the flat form into the API draft, and back', () => {
		const input = parseInput(
			memoFormSchema,
			form({
				questionPrompt: 'Which exit?',
				questionOptions: 'The lift\n The stairs \n\n',
				questionAnswer: '2',
				includeLaterJoiners: 'on',
				audience: [`department:${d.ops.id}:only`, `-person:${p.fred.id}`, 'role:manager']
			})
		);
		expect(input).toMatchObject({
			issuingDepartmentId: d.ops.id,
			requiresApproval: false,
			includeLaterJoiners: true,
			question: { prompt: 'Which exit?', options: ['The lift', 'The stairs'], answer: 1 },
			reminderLadder: { onPublish: true, beforeDueDays: [7, 3], onDue: true, overdueEveryDays: 2 },
			audience: [
				{ kind: 'department', departmentId: d.ops.id, includeSub: false, exclude: false },
				{ kind: 'person', userId: p.fred.id, exclude: true },
				{ kind: 'role', roleKey: 'manager', exclude: false }
			]
		});
		// The edit page shows the same values again, and they parse to the same draft.
		expect(parseInput(memoFormSchema, memoFormValues(input))).toEqual(input);
	});

	it('names the field that is wrong, in words a person can act on', () => {
		const refused = (values: Record<string, string | string[]>) => {
			try {
				parseInput(memoFormSchema, form(values));
			} catch (e) {
				expect(e).toBeInstanceOf(ValidationError);
				return (e as ValidationError).fields;
			}
			throw new Error('accepted');
		};
		expect(refused({ reminderBeforeDue: '7, soon' })).toEqual({
			'reminderLadder.beforeDueDays.1': 'Give days as whole numbers, e.g. "7, 3".'
		});
		expect(refused({ title: '  ' })).toEqual({ title: 'Give the memo a title.' });
		expect(refused({ audience: ['department:abc'] })).toEqual({
			audience: 'Choose the audience again from the lists.'
		});
		expect(refused({ issuingDepartmentId: '' })).toEqual({
			issuingDepartmentId: 'Choose the issuing department.'
		});
		expect(
			refused({ questionPrompt: 'Which exit?', questionOptions: 'Only one', questionAnswer: '1' })
		).toHaveProperty('question.options', 'Give at least two answers.');
		expect(refused({ laterJoinerDays: '0' })).toEqual({
			laterJoinerDays: 'Give a number of days from 1 to 365.'
		});
	});

	it('reads audience tokens strictly', () => {
		expect(parseAudienceToken('organisation')).toEqual({ kind: 'organisation', exclude: false });
		expect(parseAudienceToken('-role:admin')).toEqual({
			kind: 'role',
			roleKey: 'admin',
			exclude: true
		});
		for (const bad of ['organisation:1', 'role:owner', 'person:0', 'department:1:all', 'x'])
			expect(parseAudienceToken(bad)).toBeNull();
	});

	it('reads "publish at" in the browser’s time zone', () => {
		// 09:00 in UTC+2 (offset -120) is 07:00 UTC.
		expect(
			parseInput(memoPublishFormSchema, { publishAt: '2099-05-01T09:00', timezoneOffset: '-120' })
		).toEqual({ publishAt: '2099-05-01T07:00:00.000Z' });
		expect(parseInput(memoPublishFormSchema, { publishAt: '' })).toEqual({ publishAt: null });
		expect(() => parseInput(memoPublishFormSchema, { publishAt: 'soon' })).toThrow(
			'Give a date and time, or leave it empty.'
		);
	});
});

describe('the departments an issuer may choose', () => {
	it('offers a manager their subtree, indented, and communications every department', async () => {
		const olga = await listIssuerDepartments(as.olga);
		expect(olga.map((o) => o.label)).toEqual([
			'Operations',
			'\u00a0\u00a0– Field',
			'\u00a0\u00a0\u00a0\u00a0– North'
		]);
		const comms = await listIssuerDepartments(as.comms);
		expect(comms.map((o) => o.id)).toEqual(
			expect.arrayContaining([d.agency.id, d.ops.id, d.field.id, d.north.id, d.legal.id])
		);
		expect(await listIssuerDepartments(as.fred)).toEqual([]);
	});
});

describe('the memos page and a memo’s desk', () => {
	it('lists what a person wrote, may approve and received', async () => {
		const mine = await createMemoDraft(
			as.olga,
			draft({
				title: 'Vehicle checks',
				issuingDepartmentId: d.ops.id,
				requiresApproval: true,
				audience: [
					{ kind: 'department', departmentId: d.field.id, includeSub: true, exclude: false }
				]
			})
		);
		await submitMemo(as.olga, mine.id, { publishAt: null });
		const olgaDesk = await getMemoDesk(as.olga);
		expect(olgaDesk.canIssue).toBe(true);
		expect(olgaDesk.mine.map((m) => [m.title, m.status])).toContainEqual([
			'Vehicle checks',
			'awaiting_approval'
		]);
		// Not her own to approve; the agency's manager (above Operations) may.
		expect(olgaDesk.awaitingMyApproval.map((m) => m.id)).not.toContain(mine.id);
		const chiefDesk = await getMemoDesk(as.chief);
		expect(chiefDesk.awaitingMyApproval.map((m) => m.id)).toContain(mine.id);
		// Staff issue nothing and approve nothing.
		const fredDesk = await getMemoDesk(as.fred);
		expect(fredDesk).toMatchObject({ canIssue: false, mine: [], awaitingMyApproval: [] });

		const published = await publishNew(
			as.olga,
			draft({
				title: 'Radio etiquette',
				issuingDepartmentId: d.ops.id,
				audience: [
					{ kind: 'department', departmentId: d.north.id, includeSub: true, exclude: false }
				]
			})
		);
		await acknowledgeMemo(as.nina, published.id, { version: 1, attested: false, answer: null });
		const nina = await getMemoDesk(as.nina);
		expect(nina.received.map((m) => [m.title, m.acknowledgedVersion])).toContainEqual([
			'Radio etiquette',
			1
		]);
		const row = (await getMemoDesk(as.olga)).mine.find((m) => m.id === published.id)!;
		expect(row).toMatchObject({ status: 'published', recipients: 2, acknowledged: 1 });
	});

	it('offers each person the next step they may take, and nothing to others', async () => {
		const memo = await createMemoDraft(
			as.olga,
			draft({
				issuingDepartmentId: d.ops.id,
				audience: [
					{ kind: 'department', departmentId: d.field.id, includeSub: true, exclude: false },
					{ kind: 'person', userId: p.noah.id, exclude: true }
				]
			})
		);
		const author = (await getMemoDeskView(as.olga, memo.id))!;
		expect(author.can).toEqual({
			edit: true,
			publish: true,
			submit: true,
			approve: false,
			amend: false,
			retract: false
		});
		expect(author.preview?.count).toBe(2); // Fred and Nina; Noah excluded
		expect(author.audience.map((a) => a.label)).toEqual([
			'Field and its sub-departments',
			'Noah North (North)'
		]);
		expect(author.draftHtml).toContain('<p>Lock your screen.</p>');
		// A recipient-to-be, and someone unrelated, see no desk.
		expect(await getMemoDeskView(as.fred, memo.id)).toBeNull();
		expect(await getMemoDeskView(as.lena, memo.id)).toBeNull();
		// The draft form is the author's alone.
		await expect(getMemoDraftForm(as.chief, memo.id)).rejects.toThrow(NotFoundError);
		const editing = await getMemoDraftForm(as.olga, memo.id);
		expect(editing.values.audience).toEqual([`department:${d.field.id}`, `-person:${p.noah.id}`]);

		await submitMemo(as.olga, memo.id, { publishAt: null });
		expect((await getMemoDeskView(as.chief, memo.id))!.can).toMatchObject({
			approve: true,
			edit: false
		});
		expect((await getMemoDeskView(as.olga, memo.id))!.can).toMatchObject({
			approve: false,
			submit: false
		});
		await expect(getMemoDraftForm(as.olga, memo.id)).rejects.toThrow(ConflictError);
	});

	it('offers amending and retracting once published, and amends the current text', async () => {
		const memo = await publishNew(
			as.olga,
			draft({
				issuingDepartmentId: d.ops.id,
				audience: [
					{ kind: 'department', departmentId: d.field.id, includeSub: false, exclude: false }
				]
			})
		);
		const view = (await getMemoDeskView(as.olga, memo.id))!;
		expect(view.can).toMatchObject({ amend: true, retract: true, edit: false, publish: false });
		expect(view.preview).toBeNull();
		expect(view.versions.map((v) => v.number)).toEqual([1]);
		expect(await getMemoForAmending(as.olga, memo.id)).toMatchObject({
			title: 'Clean desk policy',
			version: 1
		});
		await expect(getMemoForAmending(as.lena, memo.id)).rejects.toThrow(NotFoundError);
	});

	it('names the audience again after a refused save', async () => {
		const views = await describeAudienceTokens(as.olga, [
			'organisation',
			`department:${d.legal.id}:only`,
			'-role:admin',
			'nonsense'
		]);
		expect(views.map((v) => [v.label, v.exclude])).toEqual([
			['The whole organisation', false],
			['Legal only', false],
			['Administrators', true]
		]);
	});

	it('never names a members-only department or its people to someone outside it', async () => {
		const inquiries = await newDepartment(db, {
			slug: 'desk-inquiries',
			name: 'Internal Inquiries',
			parentId: d.agency.id,
			visibility: 'members-only'
		});
		const witness = await newUser(db, { name: 'Wanda Witness', departmentId: inquiries.id });
		forgetDepartmentRefs(); // written straight into the database, not through the app
		const tokens = [`department:${inquiries.id}`, `person:${witness.id}`];
		// The form echoes whatever tokens are posted, so a posted list of ids must not name them.
		const outside = await describeAudienceTokens(await contextFor(db, p.fred.id), tokens);
		expect(outside.map((v) => v.label)).toEqual([
			`Department ${inquiries.id} and its sub-departments`,
			`Person ${witness.id}`
		]);
		const inside = await describeAudienceTokens(await contextFor(db, witness.id), tokens);
		expect(inside.map((v) => v.label)).toEqual([
			'Internal Inquiries and its sub-departments',
			'Wanda Witness (Internal Inquiries)'
		]);
	});
});

describe('telling people a memo is addressed to them', () => {
	it('notifies every recipient at publish when the ladder has no publish step', async () => {
		const memo = await publishNew(
			as.olga,
			draft({
				title: 'Quiet memo',
				issuingDepartmentId: d.ops.id,
				reminderLadder: { onPublish: false, beforeDueDays: [], onDue: true, overdueEveryDays: 0 },
				audience: [
					{ kind: 'department', departmentId: d.north.id, includeSub: true, exclude: false }
				]
			})
		);
		const rows = await db
			.selectFrom('notification')
			.select(['recipientId', 'kind', 'context'])
			.where('kind', '=', 'memo.reminder')
			.where(sql<boolean>`(context ->> 'memoId')::bigint = ${memo.id}`)
			.execute();
		expect(rows.map((r) => r.recipientId).sort((a, b) => a - b)).toEqual(
			[p.nina.id, p.noah.id].sort((a, b) => a - b)
		);
		expect(rows[0]!.context).toMatchObject({ step: 'publish', title: 'Quiet memo' });
	});
});
