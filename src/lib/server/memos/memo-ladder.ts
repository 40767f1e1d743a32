/**
 * The reminder ladder as pure functions of (ladder, delivered at, due date): the steps are
 * "on publish", N days before the due date, on the due date, then every K days while overdue.
 * Steps fall at 08:00 UTC on their day (the publish step at delivery). A recipient row stores
 * the index of its next step and when it is due; the runner sends the latest step that is due
 * and moves the row to the first step after `now`.
 */
import type { ReminderLadder } from '../../shared/schemas/memos.ts';

export const REMINDER_HOUR_UTC = 8;
const DAY_MS = 86_400_000;

export type StepKind = 'publish' | 'before_due' | 'due' | 'overdue';
export type LadderStep = { index: number; kind: StepKind; at: Date };

export const DEFAULT_LADDER: ReminderLadder = {
	onPublish: true,
	beforeDueDays: [3],
	onDue: true,
	overdueEveryDays: 2
};

/** 08:00 UTC on `dueOn` plus `days`. */
function dayAt(dueOn: string, days: number): Date {
	return new Date(Date.parse(`${dueOn}T00:00:00Z`) + days * DAY_MS + REMINDER_HOUR_UTC * 3_600_000);
}

/** The steps before the overdue ones, strictly increasing in time. */
function finiteSteps(ladder: ReminderLadder, deliveredAt: Date, dueOn: string): LadderStep[] {
	const candidates: Omit<LadderStep, 'index'>[] = [];
	if (ladder.onPublish) candidates.push({ kind: 'publish', at: deliveredAt });
	for (const days of [...new Set(ladder.beforeDueDays)].sort((a, b) => b - a))
		candidates.push({ kind: 'before_due', at: dayAt(dueOn, -days) });
	if (ladder.onDue) candidates.push({ kind: 'due', at: dayAt(dueOn, 0) });
	const steps: LadderStep[] = [];
	let last = ladder.onPublish ? deliveredAt.getTime() - 1 : deliveredAt.getTime();
	for (const c of candidates) {
		if (c.at.getTime() <= last) continue;
		steps.push({ ...c, index: steps.length });
		last = c.at.getTime();
	}
	return steps;
}

/** The step at `index`, or null when the ladder has no more steps. */
export function ladderStep(
	ladder: ReminderLadder,
	deliveredAt: Date,
	dueOn: string,
	index: number
): LadderStep | null {
	const finite = finiteSteps(ladder, deliveredAt, dueOn);
	if (index < finite.length) return finite[index]!;
	if (ladder.overdueEveryDays <= 0) return null;
	const k = index - finite.length + 1;
	const lastFinite = finite.at(-1)?.at.getTime() ?? deliveredAt.getTime();
	// Overdue steps start after the due date; skip any that would not follow the last step.
	let at = dayAt(dueOn, k * ladder.overdueEveryDays);
	if (at.getTime() <= lastFinite) {
		const shift = Math.ceil((lastFinite - at.getTime() + 1) / (ladder.overdueEveryDays * DAY_MS));
		at = dayAt(dueOn, (k + shift) * ladder.overdueEveryDays);
	}
	return { index, kind: 'overdue', at };
}

/**
 * What to send at `now` for a row whose next step is `fromIndex`: the latest step due (steps
 * that fell due while no runner ran are folded into it), and the step after it.
 */
export function dueReminder(
	ladder: ReminderLadder,
	deliveredAt: Date,
	dueOn: string,
	fromIndex: number,
	now: Date
): { send: LadderStep | null; next: LadderStep | null } {
	let send: LadderStep | null = null;
	let index = fromIndex;
	// Bounded: a ladder never has more than a few steps per day.
	for (let guard = 0; guard < 10_000; guard++) {
		const step = ladderStep(ladder, deliveredAt, dueOn, index);
		if (!step || step.at > now) return { send, next: step };
		send = step;
		index++;
	}
	return { send, next: null };
}

/** The first step after `now` (used when a due date moves). */
export function firstStepAfter(
	ladder: ReminderLadder,
	deliveredAt: Date,
	dueOn: string,
	now: Date
): LadderStep | null {
	return dueReminder(ladder, deliveredAt, dueOn, 0, now).next;
}
