/**
 * A knowledge page's "Discuss" thread: created once, where the page lives, so members-only pages'
 * discussions stay with their members.
 */
import { describe, expect, it } from 'vitest';
import { NotFoundError } from '../../src/lib/server/errors.ts';
import { createPage, deletePage } from '../../src/lib/server/knowledge/page.service.ts';
import { openPageThread } from '../../src/lib/server/threads/thread.service.ts';
import { contextFor, grantRole, newDepartment, newUser } from '../factories.ts';
import { createTestDatabase } from './database.ts';

const { db } = await createTestDatabase();

const open = await newDepartment(db, { slug: 'pt-open', name: 'Open' });
const secret = await newDepartment(db, {
	slug: 'pt-secret',
	name: 'Secret',
	visibility: 'members-only'
});
const olga = await newUser(db, { name: 'Olga Open', departmentId: open.id });
const sam = await newUser(db, { name: 'Sam Secret', departmentId: secret.id });
const carl = await newUser(db, { name: 'Carl Comms', departmentId: open.id });
await grantRole(db, carl.id, 'communications');

const page = (space: string, title: string) => ({
	space,
	title,
	body: `About ${title}.`,
	parentId: null,
	slug: undefined,
	summary: ''
});

describe('openPageThread', () => {
	it('opens one thread per page, in the page’s space, for anyone who may read it', async () => {
		const created = await createPage(await contextFor(db, olga.id), page('pt-open', 'Rota'));
		const first = await openPageThread(await contextFor(db, sam.id), created.id);
		const again = await openPageThread(await contextFor(db, olga.id), created.id);
		expect(again.id).toBe(first.id);
		expect(first).toMatchObject({
			title: 'Discussion: Rota',
			subject: { type: 'page', id: created.id },
			department: { id: open.id },
			can: { post: true }
		});
		const rows = await db
			.selectFrom('thread')
			.where('subjectType', '=', 'page')
			.where('subjectId', '=', created.id)
			.select('id')
			.execute();
		expect(rows).toHaveLength(1);
	});

	it('puts an organisation page’s thread in the organisation', async () => {
		const created = await createPage(await contextFor(db, carl.id), page('organisation', 'Values'));
		const thread = await openPageThread(await contextFor(db, sam.id), created.id);
		expect(thread.department).toBeNull();
	});

	it('creates the thread once when two people press Discuss together', async () => {
		const created = await createPage(await contextFor(db, olga.id), page('pt-open', 'Both'));
		const [a, b] = await Promise.all([
			openPageThread(await contextFor(db, olga.id), created.id),
			openPageThread(await contextFor(db, carl.id), created.id)
		]);
		expect(a.id).toBe(b.id);
	});

	it('refuses pages the person may not see, and deleted pages, as missing', async () => {
		const hidden = await createPage(await contextFor(db, sam.id), page('pt-secret', 'Casefiles'));
		await expect(openPageThread(await contextFor(db, olga.id), hidden.id)).rejects.toBeInstanceOf(
			NotFoundError
		);
		const thread = await openPageThread(await contextFor(db, sam.id), hidden.id);
		expect(thread.department).toMatchObject({ id: secret.id });

		const gone = await createPage(await contextFor(db, olga.id), page('pt-open', 'Gone'));
		await deletePage(await contextFor(db, olga.id), gone.id);
		await expect(openPageThread(await contextFor(db, olga.id), gone.id)).rejects.toBeInstanceOf(
			NotFoundError
		);
		await expect(openPageThread(await contextFor(db, olga.id), 999_999)).rejects.toBeInstanceOf(
			NotFoundError
		);
	});
});
