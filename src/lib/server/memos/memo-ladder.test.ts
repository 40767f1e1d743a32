import { describe, expect, it } from 'vitest';
import { DEFAULT_LADDER, dueReminder, ladderStep } from './memo-ladder.ts';

const delivered = new Date('2027-03-01T10:00:00Z');
const dueOn = '2027-03-10';

describe('the reminder ladder', () => {
	it('runs publish, 3 days before, due date, then every 2 days', () => {
		const steps = [0, 1, 2, 3, 4, 5].map((i) => ladderStep(DEFAULT_LADDER, delivered, dueOn, i)!);
		expect(steps.map((s) => [s.kind, s.at.toISOString()])).toEqual([
			['publish', '2027-03-01T10:00:00.000Z'],
			['before_due', '2027-03-07T08:00:00.000Z'],
			['due', '2027-03-10T08:00:00.000Z'],
			['overdue', '2027-03-12T08:00:00.000Z'],
			['overdue', '2027-03-14T08:00:00.000Z'],
			['overdue', '2027-03-16T08:00:00.000Z']
		]);
	});

	it('drops steps before delivery and ends when overdue reminders are off', () => {
		const late = new Date('2027-03-08T09:00:00Z');
		const ladder = { ...DEFAULT_LADDER, overdueEveryDays: 0 };
		expect(ladderStep(ladder, late, dueOn, 1)).toMatchObject({ kind: 'due' });
		expect(ladderStep(ladder, late, dueOn, 2)).toBeNull();
	});

	it('folds steps missed during an outage into one and points at the next', () => {
		const { send, next } = dueReminder(
			DEFAULT_LADDER,
			delivered,
			dueOn,
			1,
			new Date('2027-03-12T09:00:00Z')
		);
		expect(send).toMatchObject({ index: 3, kind: 'overdue' });
		expect(next).toMatchObject({ index: 4, at: new Date('2027-03-14T08:00:00Z') });
		expect(dueReminder(DEFAULT_LADDER, delivered, dueOn, 1, delivered).send).toBeNull();
	});
});
