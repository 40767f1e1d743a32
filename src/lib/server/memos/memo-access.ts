/**
 * Shared steps of the memo services: loading a memo or answering 404, and refusing (with an
 * audit entry) what a policy does not allow.
 */
import { recordDenied } from '../audit/audit.service.ts';
import type { RequestContext } from '../context.ts';
import type { Database } from '../db/index.ts';
import { ForbiddenError, NotFoundError } from '../errors.ts';
import { getMemo, getMemoForUpdate, type MemoRow } from './memo.repository.ts';

export async function loadMemo(database: Database, memoId: number, lock = false): Promise<MemoRow> {
	const memo = lock ? await getMemoForUpdate(database, memoId) : await getMemo(database, memoId);
	if (!memo) throw new NotFoundError('That memo does not exist.');
	return memo;
}

/** Throws ForbiddenError with `message` after recording the refusal, unless `allowed`. */
export async function requireAllowed(
	ctx: RequestContext,
	allowed: boolean,
	action: string,
	memoId: number,
	message: string,
	details: Record<string, unknown> = {}
): Promise<void> {
	if (allowed) return;
	await recordDenied(ctx, action, 'memo', memoId, details);
	throw new ForbiddenError(message);
}

/** Today's calendar date in UTC, as 'YYYY-MM-DD'. */
export function isoDay(now: Date): string {
	return now.toISOString().slice(0, 10);
}
