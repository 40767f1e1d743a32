/**
 * Knowledge pages for the search tests. The page service is being written elsewhere; until it
 * lands, tests write the row directly and queue it for indexing exactly as that service will
 * (enqueueSearchIndex in the same transaction).
 */
import { randomBytes } from 'node:crypto';
import type { Database } from '../../src/lib/server/db/index.ts';
import { enqueueSearchIndex } from '../../src/lib/server/search/outbox.repository.ts';

export async function newPage(
	db: Database,
	page: { departmentId: number | null; title: string; body: string; ownerId: number }
) {
	const slug = `page-${randomBytes(3).toString('hex')}`;
	return db.transaction().execute(async (trx) => {
		const row = await trx
			.insertInto('kbPage')
			.values({
				departmentId: page.departmentId,
				slug,
				path: slug,
				title: page.title,
				bodySource: page.body,
				bodyHtml: `<p>${page.body}</p>`,
				ownerId: page.ownerId,
				createdBy: page.ownerId,
				updatedBy: page.ownerId
			})
			.returningAll()
			.executeTakeFirstOrThrow();
		await enqueueSearchIndex(trx, [{ kind: 'page', id: row.id }]);
		return row;
	});
}
