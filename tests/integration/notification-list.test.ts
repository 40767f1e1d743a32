/**
 * Paging through the notification centre with the cursor it hands out, through the same schema
 * the page and the API read it with.
 */
import { describe, expect, it } from 'vitest';
import { listMyNotifications } from '../../src/lib/server/notifications/notification.service.ts';
import { parseInput } from '../../src/lib/server/validation.ts';
import { notificationListSchema } from '../../src/lib/shared/schemas/notifications.ts';
import { contextFor, newUser } from '../factories.ts';
import { createTestDatabase } from './database.ts';

const { db } = await createTestDatabase();

describe('the notification list', () => {
	it('pages with the cursor it gave out, to the end, with nothing twice', async () => {
		const reader = await newUser(db, { name: 'Rena Reader' });
		const author = await newUser(db, { name: 'Arno Author' });
		// Five mentions on five posts (separate groups), a second apart, plus two at the same instant.
		const at = (s: number) => new Date(Date.parse('2026-12-01T09:00:00Z') + s * 1000);
		await db
			.insertInto('notification')
			.values(
				[0, 1, 2, 3, 4, 5, 5].map((s, i) => ({
					recipientId: reader.id,
					kind: 'mention',
					actorId: author.id,
					subjectType: 'post',
					subjectId: 900_000 + i,
					context: { postId: 900_000 + i, excerpt: `Mention ${i}` },
					createdAt: at(s)
				}))
			)
			.execute();
		const ctx = await contextFor(db, reader.id);
		const seen: string[] = [];
		let cursor: string | undefined;
		let pages = 0;
		do {
			const input = parseInput(notificationListSchema, { cursor, limit: '2' });
			const page = await listMyNotifications(ctx, input);
			seen.push(...page.groups.flatMap((g) => g.items.map((item) => item.text)));
			cursor = page.nextCursor ?? undefined;
			pages++;
		} while (cursor && pages < 10);
		expect(pages).toBe(4);
		expect(new Set(seen).size).toBe(7);
		expect(seen).toHaveLength(7);
	});

	it('refuses a cursor it never gave out', () => {
		for (const cursor of ['abc', '1.2.3', '12', '.5', '1e5.4'])
			expect(notificationListSchema.safeParse({ cursor }).success).toBe(false);
	});
});
