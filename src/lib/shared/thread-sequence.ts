/**
 * Catching up by sequence number. A client holds some of a thread's messages; it must ask for
 * everything after the last message up to which it holds *every* message, not after the newest it
 * holds: live messages can arrive while a catch-up is cut short (a timeout, a dropped connection),
 * and asking after the newest would leave the gap before it unfilled for good.
 */

/** The highest sequence up to which nothing is missing, starting from the oldest message held. */
export function syncedSeq(sortedSeqs: readonly number[]): number {
	if (!sortedSeqs.length) return 0;
	let seq = sortedSeqs[0]!;
	for (let i = 1; i < sortedSeqs.length; i++) {
		const next = sortedSeqs[i]!;
		if (next === seq) continue;
		if (next !== seq + 1) break;
		seq = next;
	}
	return seq;
}
