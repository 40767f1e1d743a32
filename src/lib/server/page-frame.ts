/**
 * What every signed-in page shows around its content about its person: the memos they still owe
 * an acknowledgement (the banner) and their unread notifications (the bell's count).
 *
 * One statement for both, built from the two domains' own pieces (the memo query and the unread
 * count), because every page pays for it: as two statements they were an eighth of the app's CPU
 * per home feed page (measured: 3.41 -> 2.98 ms per page without them; bench/README.md,
 * feed-home), a round trip, a pooled connection and a result to parse each.
 */
import { sql } from 'kysely';
import type { RequestContext } from './context.ts';
import { db } from './db/index.ts';
import { prepared } from './db/prepared.ts';
import { requireActor } from './feeds/post.service.ts';
import { toPendingMemo } from './memos/memo-ack.service.ts';
import { pendingForPersonQuery } from './memos/memo-recipient.repository.ts';
import { unreadCountOf } from './notifications/notification.repository.ts';
import type { PendingMemo } from '../shared/memos.ts';

export type PageFrame = { pendingMemos: PendingMemo[]; unreadNotifications: number };

export async function loadPageFrame(
	ctx: RequestContext,
	now: Date = new Date()
): Promise<PageFrame> {
	const actor = requireActor(ctx);
	const database = db();
	const pending = pendingForPersonQuery(database, actor.id);
	type PendingRow = Awaited<ReturnType<typeof pending.execute>>[number];
	// A row per pending memo, each carrying the count; one row of nulls and the count when none.
	const { rows } = await sql<
		{ unread: number } & { [K in keyof PendingRow]: PendingRow[K] | null }
	>`${prepared}
		select u.unread, p.id, p.title, p.category, p.current_version, p.due_on, p.first_viewed_at
		from (select ${unreadCountOf(actor.id)} as unread) u
		left join lateral (${pending}) p on true
	`.execute(database);
	return {
		unreadNotifications: rows[0]?.unread ?? 0,
		pendingMemos: rows.flatMap((r) =>
			r.id === null ? [] : [toPendingMemo(r as PendingRow & { unread: number }, now)]
		)
	};
}
