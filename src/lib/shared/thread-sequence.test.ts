import { describe, expect, it } from 'vitest';
import { syncedSeq } from './thread-sequence.ts';

describe('syncedSeq', () => {
	it('is 0 with nothing held', () => {
		expect(syncedSeq([])).toBe(0);
	});

	it('is the newest sequence when nothing is missing, counting from the oldest held', () => {
		expect(syncedSeq([1, 2, 3])).toBe(3);
		// The latest page of a long thread: older history is simply not loaded yet.
		expect(syncedSeq([481, 482, 483])).toBe(483);
	});

	it('stops before a gap, so a catch-up asks for the missing messages', () => {
		// 1085–1103 were missed while a catch-up timed out; 1104 then arrived live.
		expect(syncedSeq([1083, 1084, 1104, 1105])).toBe(1084);
	});

	it('ignores a sequence held twice', () => {
		expect(syncedSeq([4, 5, 5, 6])).toBe(6);
	});
});
