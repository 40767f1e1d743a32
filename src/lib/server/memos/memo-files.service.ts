/**
 * A memo's files: uploaded through the same storage as posts and pages, linked from its text,
 * and served to the people who may read the memo (memo.policy.ts canReadMemo).
 */
import type { RequestContext } from '../context.ts';
import { db } from '../db/index.ts';
import { listAttachmentsForMemo } from '../files/attachment.repository.ts';
import { requireActor } from '../feeds/post.service.ts';
import type { AttachmentView } from '../../shared/feeds.ts';
import { getRecipient } from './memo-recipient.repository.ts';
import { canReadMemo } from './memo.policy.ts';
import { getMemo } from './memo.repository.ts';

/** May the caller read this memo, and so open its files? */
export async function canSeeMemo(ctx: RequestContext, memoId: number): Promise<boolean> {
	const actor = requireActor(ctx);
	const memo = await getMemo(db(), memoId);
	if (!memo) return false;
	return canReadMemo(actor, memo, Boolean(await getRecipient(db(), memoId, actor.id)));
}

/** The memo's files for someone who may read it (the caller checked, e.g. by opening it). */
export async function listMemoFiles(memoId: number): Promise<AttachmentView[]> {
	return listAttachmentsForMemo(db(), memoId);
}
