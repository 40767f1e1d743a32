/**
 * The per-person burst limit on thread messages (default 10 in 10 s). Kept in memory per
 * instance: with sticky sessions a person's sockets share an instance, and the limit exists to
 * stop floods, not to count exactly.
 */
const sent = new Map<number, number[]>();

/** Records a send and returns 0, or the seconds to wait when the burst is used up. */
export function takeMessageSlot(
	userId: number,
	rate: { burst: number; windowMs: number },
	now: number = Date.now()
): number {
	const recent = (sent.get(userId) ?? []).filter((t) => t > now - rate.windowMs);
	if (recent.length >= rate.burst) {
		sent.set(userId, recent);
		return Math.max(1, Math.ceil((recent[0]! + rate.windowMs - now) / 1000));
	}
	recent.push(now);
	sent.set(userId, recent);
	// Forget people who went quiet, so the map does not grow with the organisation.
	if (sent.size > 10_000)
		for (const [id, times] of sent)
			if (times.every((t) => t <= now - rate.windowMs)) sent.delete(id);
	return 0;
}

export function resetMessageRateForTests(): void {
	sent.clear();
}
