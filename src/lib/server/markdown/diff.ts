/**
 * Line diffs between two texts, as parts to show inline: used for page revisions and memo
 * amendments alike.
 */
import { diffLines } from 'diff';
import type { DiffPart } from '../../shared/knowledge.ts';

export type TextDiff = { parts: DiffPart[]; added: number; removed: number };

/** A line diff between two texts, with the number of lines added and removed. */
export function diffTexts(before: string, after: string): TextDiff {
	const parts: DiffPart[] = diffLines(before, after).map((change) => ({
		kind: change.added ? 'added' : change.removed ? 'removed' : 'same',
		text: change.value
	}));
	const count = (kind: DiffPart['kind']) =>
		parts
			.filter((p) => p.kind === kind)
			.reduce((n, p) => n + p.text.split('\n').filter(Boolean).length, 0);
	return { parts, added: count('added'), removed: count('removed') };
}
