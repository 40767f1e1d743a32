/**
 * The reminder ladder and escalation with a controllable clock: each step is sent exactly once,
 * a crash in the middle of a run (a batch that never commits) and a restart send nothing twice
 * and skip nothing, concurrent runners never share a row, and overdue people are escalated to
 * their department's manager in one digest.
 */
import { describe, expect, it } from 'vitest';
import { TooManyRequestsError, ValidationError } from '../../src/lib/server/errors.ts';
import { acknowledgeMemo } from '../../src/lib/server/memos/memo-ack.service.ts';
import {
	remindPendingNow,
	runDueMemoReminders
} from '../../src/lib/server/memos/memo-reminder.service.ts';
import { createMemoDraft } from '../../src/lib/server/memos/memo.service.ts';
import { amendMemo, publishMemo } from '../../src/lib/server/memos/memo-publish.service.ts';
import { createTestDatabase } from './database.ts';
import { draft, memoOrganisation, publishNew } from './memo-fixtures.ts';

const { db } = await createTestDatabase();
const { departments: d, people: p, as } = await memoOrganisation(db, 'r');

const HOUR = 3_600_000;
const published = new Date('2027-03-01T10:00:00Z');
// due 2027-03-10: steps at 03-01 10:00 (publish), 03-07 08:00, 03-10 08:00, 03-12, 03-14, ...

async function remindersOf(memoId: number) {
	return db
		.selectFrom('memoReminder')
		.select(['userId', 'step', 'kind', 'scheduledFor'])
		.where('memoId', '=', memoId)
		.orderBy('userId')
		.orderBy('step')
		.execute();
}

async function notificationsOf(kind: string, memoId: number) {
	const rows = await db
		.selectFrom('notification')
		.select(['recipientId', 'context'])
		.where('kind', '=', kind)
		.execute();
	return rows.filter((r) => (r.context as { memoId: number }).memoId === memoId);
}

describe('the reminder ladder', () => {
	it('sends every step once across a crash, a restart and concurrent runners', async () => {
		const memo = await publishNew(
			as.olga,
			draft({
				issuingDepartmentId: d.ops.id,
				dueOn: '2027-03-10',
				audience: [
					{ kind: 'department', departmentId: d.field.id, includeSub: true, exclude: false }
				]
			}),
			published
		);
		// Tick every 6 hours for 14 days; batches of 2 so each run has several batches.
		let crashed = false;
		for (let t = published.getTime(); t <= published.getTime() + 14 * 24 * HOUR; t += 6 * HOUR) {
			const now = new Date(t);
			if (!crashed && now >= new Date('2027-03-07T08:00:00Z')) {
				// The process dies after claiming and notifying the second batch, before commit.
				crashed = true;
				await expect(
					runDueMemoReminders(now, {
						batchSize: 2,
						beforeCommit: (batch) => {
							if (batch === 1) throw new Error('killed');
						}
					})
				).rejects.toThrow('killed');
			}
			// Restart: two runners at once, as two app instances would.
			await Promise.all([
				runDueMemoReminders(now, { batchSize: 2 }),
				runDueMemoReminders(now, { batchSize: 2 })
			]);
		}
		const reminders = await remindersOf(memo.id);
		const kinds = ['publish', 'before_due', 'due', 'overdue', 'overdue'];
		expect(reminders).toHaveLength(3 * kinds.length);
		for (const person of [p.fred, p.nina, p.noah]) {
			const mine = reminders.filter((r) => r.userId === person.id);
			expect(mine.map((r) => r.kind)).toEqual(kinds);
			expect(mine.map((r) => r.step)).toEqual([0, 1, 2, 3, 4]);
		}
		expect(await notificationsOf('memo.reminder', memo.id)).toHaveLength(15);
	});

	it('stops for people who acknowledge and folds steps missed in an outage into one', async () => {
		const memo = await publishNew(
			as.olga,
			draft({
				issuingDepartmentId: d.ops.id,
				dueOn: '2027-03-10',
				audience: [
					{ kind: 'department', departmentId: d.field.id, includeSub: false, exclude: false }
				]
			}),
			published
		);
		const other = await publishNew(
			as.olga,
			draft({
				issuingDepartmentId: d.ops.id,
				dueOn: '2027-03-10',
				audience: [
					{ kind: 'department', departmentId: d.north.id, includeSub: false, exclude: false }
				]
			}),
			published
		);
		await runDueMemoReminders(published);
		await acknowledgeMemo(as.nina, other.id, { version: 1, attested: false, answer: null });
		// Down from 03-01 to 03-11 09:00: before_due and due are folded into one "due" reminder.
		await runDueMemoReminders(new Date('2027-03-11T09:00:00Z'));
		await runDueMemoReminders(new Date('2027-03-11T09:00:00Z'));
		const fred = await db
			.selectFrom('memoReminder')
			.select(['step', 'coversFromStep', 'kind'])
			.where('memoId', '=', memo.id)
			.orderBy('step')
			.execute();
		expect(fred).toEqual([
			{ step: 0, coversFromStep: null, kind: 'publish' },
			{ step: 2, coversFromStep: 1, kind: 'due' }
		]);
		const ninaNoah = await remindersOf(other.id);
		expect(ninaNoah.filter((r) => r.userId === p.nina.id).map((r) => r.kind)).toEqual(['publish']);
		expect(ninaNoah.filter((r) => r.userId === p.noah.id).map((r) => r.kind)).toEqual([
			'publish',
			'due'
		]);
	});

	it('publishes a scheduled memo when its time comes', async () => {
		const memo = await createMemoDraft(
			as.olga,
			draft({
				issuingDepartmentId: d.ops.id,
				dueOn: '2027-04-30',
				audience: [
					{ kind: 'department', departmentId: d.field.id, includeSub: false, exclude: false }
				]
			})
		);
		const at = new Date('2027-04-01T07:00:00Z');
		const scheduled = await publishMemo(
			as.olga,
			memo.id,
			{ publishAt: at.toISOString() },
			published
		);
		expect(scheduled.status).toBe('scheduled');
		expect((await runDueMemoReminders(new Date(at.getTime() - 1))).published).toEqual([]);
		const run = await runDueMemoReminders(at);
		expect(run.published).toEqual([memo.id]);
		expect(await remindersOf(memo.id)).toMatchObject([{ userId: p.fred.id, kind: 'publish' }]);
	});
});

describe('escalation and reminding now', () => {
	it('sends each manager one digest listing their overdue people, once', async () => {
		const memo = await publishNew(
			as.chief,
			draft({
				issuingDepartmentId: d.agency.id,
				dueOn: '2027-05-10',
				audience: [
					{ kind: 'department', departmentId: d.agency.id, includeSub: true, exclude: false }
				]
			}),
			new Date('2027-05-01T09:00:00Z')
		);
		await acknowledgeMemo(as.lena, memo.id, { version: 1, attested: false, answer: null });
		const first = await runDueMemoReminders(new Date('2027-05-11T09:00:00Z'), { batchSize: 3 });
		const again = await runDueMemoReminders(new Date('2027-05-13T09:00:00Z'));
		expect(again.digests).toBe(0);
		const digests = await notificationsOf('memo.escalation', memo.id);
		const byManager = Object.fromEntries(
			digests.map((n) => [
				n.recipientId,
				(n.context as { people: { name: string }[] }).people.map((x) => x.name).sort()
			])
		);
		// Field and North have no manager: their people go up to Operations (Olga). Olga's own
		// department is Operations, so she goes to the agency's manager (Chief), with everyone
		// in the agency itself. The chief has no manager above: nobody is told about him.
		expect(byManager).toEqual({
			[p.olga.id]: ['Fred Field', 'Nina North', 'Noah North'],
			[p.chief.id]: ['Ada Admin', 'Cora Comms', 'Olga Ops']
		});
		expect(first.digests).toBeGreaterThanOrEqual(2);
		const escalated = await db
			.selectFrom('memoRecipient')
			.select('userId')
			.where('memoId', '=', memo.id)
			.where('escalatedAt', 'is not', null)
			.execute();
		// Everyone but Lena, who acknowledged (the chief too, though nobody is above him).
		expect(escalated).toHaveLength(7);
	});

	it('gives a material amendment a new due date: nobody is overdue on a version just issued', async () => {
		const memo = await publishNew(
			as.olga,
			draft({
				issuingDepartmentId: d.ops.id,
				dueOn: '2027-06-10',
				audience: [
					{ kind: 'department', departmentId: d.field.id, includeSub: true, exclude: false }
				]
			}),
			new Date('2027-06-01T09:00:00Z')
		);
		await acknowledgeMemo(as.fred, memo.id, { version: 1, attested: false, answer: null });
		// Nina and Noah let it pass its due date and are escalated.
		await runDueMemoReminders(new Date('2027-06-12T09:00:00Z'));
		const amendedAt = new Date('2027-06-20T09:00:00Z');
		const material = { body: 'Lock the drawers too.\n', kind: 'material' as const, note: '' };
		await expect(
			amendMemo(as.olga, memo.id, { ...material, dueOn: '2027-06-19' }, amendedAt)
		).rejects.toThrow(ValidationError);
		const { reset } = await amendMemo(as.olga, memo.id, material, amendedAt);
		expect(reset).toBe(1);
		const recipients = await db
			.selectFrom('memoRecipient')
			.select(['userId', 'state', 'dueOn', 'escalatedAt'])
			.where('memoId', '=', memo.id)
			.orderBy('userId')
			.execute();
		// Everyone pending again, due as many days after the amendment as the first version gave.
		expect(recipients.map((r) => [r.state, r.dueOn, r.escalatedAt])).toEqual([
			['pending', '2027-06-29', null],
			['pending', '2027-06-29', null],
			['pending', '2027-06-29', null]
		]);
		const escalationsBefore = (await notificationsOf('memo.escalation', memo.id)).length;
		await runDueMemoReminders(new Date('2027-06-20T10:00:00Z'));
		// Told of the new version by the ladder's first step, not "overdue", and nobody escalated.
		const told = await db
			.selectFrom('memoReminder')
			.select(['kind', 'step'])
			.where('memoId', '=', memo.id)
			.where('version', '=', 2)
			.execute();
		expect(told).toEqual([
			{ kind: 'publish', step: 0 },
			{ kind: 'publish', step: 0 },
			{ kind: 'publish', step: 0 }
		]);
		const notices = await notificationsOf('memo.reminder', memo.id);
		expect(notices.filter((n) => (n.context as { version: number }).version === 2)).toHaveLength(3);
		expect(await notificationsOf('memo.escalation', memo.id)).toHaveLength(escalationsBefore);
		// The rest of the new version's ladder follows: 3 days before, on the day.
		await runDueMemoReminders(new Date('2027-06-26T09:00:00Z'));
		const before = await db
			.selectFrom('memoReminder')
			.select('kind')
			.where('memoId', '=', memo.id)
			.where('version', '=', 2)
			.where('kind', '=', 'before_due')
			.execute();
		expect(before).toHaveLength(3);
	});

	it('reminds pending people now, at most once an hour', async () => {
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
		expect(await remindPendingNow(as.olga, memo.id)).toEqual({ reminded: 2 });
		await expect(remindPendingNow(as.olga, memo.id)).rejects.toThrow(TooManyRequestsError);
		await expect(remindPendingNow(as.fred, memo.id)).rejects.toThrow(/Only the issuer/);
	});
});
