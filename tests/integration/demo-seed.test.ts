import { describe, expect, it } from 'vitest';
import { verifyPassword } from '../../src/lib/server/auth/password.ts';
import {
	isEmptyOrganisation,
	seedDemoOrganisation,
	truncateOrganisation
} from '../../src/lib/server/demo/seed.ts';
import { verifyAuditTrail } from '../../scripts/audit-verify.ts';
import { verifyMemoRecordsInDatabase } from '../../src/lib/server/memos/memo-evidence.repository.ts';
import { createTestDatabase } from './database.ts';

const { db } = await createTestDatabase();

async function depthOfTree(): Promise<number> {
	const departments = await db.selectFrom('department').select(['id', 'parentId']).execute();
	const parent = new Map(departments.map((d) => [d.id, d.parentId]));
	let deepest = 0;
	for (const d of departments) {
		let depth = 1;
		for (let p = d.parentId; p !== null; p = parent.get(p) ?? null) depth++;
		deepest = Math.max(deepest, depth);
	}
	return deepest;
}

describe('demo organisation', () => {
	it('seeds only an empty database, once, even when two instances start together', async () => {
		expect(await isEmptyOrganisation(db)).toBe(true);
		const [first, second] = await Promise.all([
			seedDemoOrganisation(db, 'demo-password-for-tests'),
			seedDemoOrganisation(db, 'demo-password-for-tests')
		]);
		expect([first, second].filter(Boolean)).toHaveLength(1);
		expect(await isEmptyOrganisation(db)).toBe(false);
		expect(await seedDemoOrganisation(db, 'demo-password-for-tests')).toBeNull();
	});

	it('has a department tree at least three levels deep with 8+ departments', async () => {
		const { n } = await db
			.selectFrom('department')
			.select((eb) => eb.fn.countAll<number>().as('n'))
			.executeTakeFirstOrThrow();
		expect(n).toBeGreaterThanOrEqual(8);
		expect(await depthOfTree()).toBeGreaterThanOrEqual(3);
		const membersOnly = await db
			.selectFrom('department')
			.where('visibility', '=', 'members-only')
			.select('slug')
			.execute();
		expect(membersOnly.length).toBeGreaterThanOrEqual(1);
	});

	it('has ~40 people across several departments, with the named roles', async () => {
		const people = await db
			.selectFrom('users')
			.select(['id', 'email', 'departmentId', 'managerId', 'passwordHash'])
			.execute();
		expect(people.length).toBeGreaterThanOrEqual(35);
		expect(new Set(people.map((p) => p.departmentId)).size).toBeGreaterThanOrEqual(8);
		expect(people.filter((p) => p.managerId !== null).length).toBe(people.length - 1);

		const roles = await db
			.selectFrom('roleAssignment as r')
			.innerJoin('users as u', 'u.id', 'r.userId')
			.select(['u.email', 'r.roleKey', 'r.departmentId'])
			.execute();
		expect(roles).toContainEqual({
			email: 'admin@commons.test',
			roleKey: 'admin',
			departmentId: null
		});
		expect(roles.some((r) => r.roleKey === 'communications')).toBe(true);

		// Some managers manage departments that have sub-departments.
		const parents = await db
			.selectFrom('department')
			.where('parentId', 'is not', null)
			.select('parentId')
			.distinct()
			.execute();
		const managedParents = roles.filter(
			(r) => r.roleKey === 'manager' && parents.some((p) => p.parentId === r.departmentId)
		);
		expect(managedParents.length).toBeGreaterThanOrEqual(2);
	});

	it('opens on a living feed: posts by their authors in departments they may post in', async () => {
		const posts = await db
			.selectFrom('post as p')
			.innerJoin('users as u', 'u.id', 'p.authorId')
			.select([
				'p.id',
				'p.departmentId',
				'p.isAnnouncement',
				'p.bodyHtml',
				'u.departmentId as home'
			])
			.execute();
		expect(posts.length).toBeGreaterThanOrEqual(6);
		// Department posts sit in their author's own department; the rest are organisation-wide.
		for (const p of posts) expect([null, p.home]).toContain(p.departmentId);
		expect(posts.some((p) => p.isAnnouncement && p.departmentId === null)).toBe(true);
		// Mentions were rendered as links and stored as notifications.
		expect(posts.some((p) => p.bodyHtml.includes('class="mention"'))).toBe(true);
		const mentions = await db
			.selectFrom('notification')
			.where('kind', '=', 'mention')
			.select('id')
			.execute();
		expect(mentions.length).toBeGreaterThan(0);
		const comments = await db.selectFrom('postComment').select(['id', 'parentId']).execute();
		expect(comments.some((c) => c.parentId !== null)).toBe(true);
	});

	it('shows official memos: a published policy to everyone, partly acknowledged, sealed', async () => {
		const memos = await db.selectFrom('memo').select(['id', 'status']).orderBy('id').execute();
		expect(memos.map((m) => m.status)).toEqual(['published', 'awaiting_approval']);
		const recipients = await db
			.selectFrom('memoRecipient')
			.select(['state'])
			.where('memoId', '=', memos[0]!.id)
			.execute();
		expect(recipients.length).toBeGreaterThanOrEqual(35);
		expect(recipients.filter((r) => r.state === 'acknowledged')).toHaveLength(12);
		const verdict = await verifyMemoRecordsInDatabase(db, await verifyAuditTrail(db));
		expect(verdict.ok).toBe(true);
	});

	it('opens on a living wiki: pages in a tree, resolved links with backlinks, review dates', async () => {
		const pages = await db
			.selectFrom('kbPage')
			.select([
				'id',
				'departmentId',
				'parentId',
				'path',
				'title',
				'bodyHtml',
				'reviewBy',
				'revision'
			])
			.execute();
		expect(pages.length).toBeGreaterThanOrEqual(5);
		expect(pages.some((p) => p.departmentId === null)).toBe(true);
		expect(pages.some((p) => p.path.includes('/'))).toBe(true);
		// Every [[link]] in the demo names a page that exists, in either order of creation.
		expect(pages.every((p) => !p.bodyHtml.includes('wiki-link missing'))).toBe(true);
		const links = await db.selectFrom('kbPageLink').select(['fromPageId', 'toPageId']).execute();
		expect(links.length).toBeGreaterThan(0);
		expect(links.every((l) => l.toPageId !== null)).toBe(true);
		const today = new Date().toISOString().slice(0, 10);
		expect(pages.some((p) => p.reviewBy !== null && p.reviewBy < today)).toBe(true);
		const revisions = await db.selectFrom('kbPageRevision').select(['pageId', 'number']).execute();
		expect(revisions).toHaveLength(pages.reduce((n, p) => n + p.revision, 0));
	});

	it('gives every account the demo password, hashed with Argon2id', async () => {
		const admin = await db
			.selectFrom('users')
			.where('email', '=', 'admin@commons.test')
			.select('passwordHash')
			.executeTakeFirstOrThrow();
		expect(admin.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
		expect(await verifyPassword(admin.passwordHash!, 'demo-password-for-tests')).toBe(true);
		expect(await verifyPassword(admin.passwordHash!, 'wrong-password-here')).toBe(false);
	});

	it('generates a random password when none is configured, and reseeds after a reset', async () => {
		await truncateOrganisation(db);
		expect(await isEmptyOrganisation(db)).toBe(true);
		const result = await seedDemoOrganisation(db);
		expect(result?.generated).toBe(true);
		expect(result?.password).toMatch(/^[a-z2-9]{5}(-[a-z2-9]{5}){3}$/);
		const roles = await db.selectFrom('role').select('key').orderBy('key').execute();
		expect(roles.map((r) => r.key)).toEqual(['admin', 'communications', 'manager', 'staff']);
	});
});
