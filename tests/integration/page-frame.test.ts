/**
 * The page frame (the memo banner's list and the bell's count, read in one statement) against a
 * real database: the same answers as the memo and notification services give on their own.
 */
import { describe, expect, it } from 'vitest';
import {
	acknowledgeMemo,
	listMyPendingMemos
} from '../../src/lib/server/memos/memo-ack.service.ts';
import { countMyUnread } from '../../src/lib/server/notifications/notification.service.ts';
import { loadPageFrame } from '../../src/lib/server/page-frame.ts';
import { createTestDatabase } from './database.ts';
import { draft, memoOrganisation, publishNew } from './memo-fixtures.ts';
import { countQueries } from './query-count.ts';

const { db, url } = await createTestDatabase();
const measure = countQueries(db, url);
const { departments: d, as } = await memoOrganisation(db, 'frame');

describe('the page frame', () => {
	it('lists the memos still owed and counts unread notifications, in one statement', async () => {
		const toNorth = () =>
			publishNew(
				as.olga,
				draft({
					issuingDepartmentId: d.ops.id,
					audience: [
						{ kind: 'department', departmentId: d.north.id, includeSub: true, exclude: false }
					]
				})
			);
		const first = await toNorth();
		const second = await toNorth();

		const { result: frame, queries } = await measure(() => loadPageFrame(as.nina));
		expect(queries.count).toBe(1);
		expect(frame.pendingMemos.map((m) => m.id).sort()).toEqual([first.id, second.id].sort());
		expect(frame.pendingMemos).toEqual(await listMyPendingMemos(as.nina));
		expect(frame.pendingMemos[0]).toMatchObject({
			version: 1,
			overdue: false,
			firstViewedAt: null
		});
		expect(frame.unreadNotifications).toBe(await countMyUnread(as.nina));

		await acknowledgeMemo(as.nina, first.id, { version: 1, attested: false, answer: null });
		const after = await loadPageFrame(as.nina);
		expect(after.pendingMemos.map((m) => m.id)).toEqual([second.id]);
		expect(after).toEqual({
			pendingMemos: await listMyPendingMemos(as.nina),
			unreadNotifications: await countMyUnread(as.nina)
		});
	});

	it('gives an empty list and the count to someone who owes nothing', async () => {
		const frame = await loadPageFrame(as.lena);
		expect(frame).toEqual({
			pendingMemos: [],
			unreadNotifications: await countMyUnread(as.lena)
		});
	});
});
