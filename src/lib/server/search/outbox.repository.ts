/**
 * The search outbox. Every write of searchable content calls `enqueueSearchIndex` inside its own
 * transaction, so the index task commits or rolls back with the content; a trigger on the table
 * wakes the index worker on commit (see the search migration). The worker claims rows with
 * FOR UPDATE SKIP LOCKED and deletes them in the transaction that writes the index, so a crash
 * at any point leaves the rows for the next run.
 */
import { sql } from 'kysely';
import type { Database } from '../db/index.ts';
import type { SearchKind } from '../../shared/schemas/search.ts';

/**
 * Records that these sources changed (created, edited, deleted) and must be indexed again.
 * Call it with the transaction that writes them. The knowledge-page service calls it with
 * `{ kind: 'page', id }` for every page it creates, revises, moves or deletes.
 */
export async function enqueueSearchIndex(
	db: Database,
	items: { kind: SearchKind; id: number }[]
): Promise<void> {
	if (!items.length) return;
	await db
		.insertInto('searchOutbox')
		.values(items.map((item) => ({ kind: item.kind, sourceId: item.id })))
		.execute();
}

export type OutboxRow = { id: number; kind: SearchKind; sourceId: number };

/** The oldest waiting rows no other worker holds, locked until `trx` ends. */
export async function claimOutboxBatch(trx: Database, limit: number): Promise<OutboxRow[]> {
	const { rows } = await sql<OutboxRow>`
		select id, kind, source_id from search_outbox
		order by id limit ${limit}
		for update skip locked
	`.execute(trx);
	return rows;
}

export async function deleteOutboxRows(trx: Database, ids: number[]): Promise<void> {
	if (!ids.length) return;
	await trx.deleteFrom('searchOutbox').where('id', 'in', ids).execute();
}

/** How many index tasks wait, and how old the oldest is (null when none wait). */
export async function outboxBacklog(
	db: Database
): Promise<{ waiting: number; oldest: Date | null }> {
	const row = await db
		.selectFrom('searchOutbox')
		.select((eb) => [eb.fn.countAll<number>().as('waiting'), eb.fn.min('createdAt').as('oldest')])
		.executeTakeFirstOrThrow();
	return { waiting: Number(row.waiting), oldest: (row.oldest as Date | null) ?? null };
}

/** Queues every comment of a post: they live and die with it. */
export async function enqueueCommentsOfPost(db: Database, postId: number): Promise<void> {
	await sql`
		insert into search_outbox (kind, source_id)
		select 'comment', c.id from post_comment c where c.post_id = ${postId}
	`.execute(db);
}

/** Queues the people and pages of a department whose name or slug changed. */
export async function enqueueSourcesOfDepartment(db: Database, departmentId: number) {
	await sql`
		insert into search_outbox (kind, source_id)
		select 'person', u.id from users u where u.department_id = ${departmentId}
		union all
		select 'page', p.id from kb_page p where p.department_id = ${departmentId}
	`.execute(db);
}
