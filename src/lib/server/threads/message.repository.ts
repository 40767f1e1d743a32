import type { Database } from '../db/index.ts';

export type MessageRow = {
	id: number;
	threadId: number;
	seq: number;
	authorId: number;
	clientKey: string;
	bodySource: string;
	bodyHtml: string;
	replyToId: number | null;
	createdAt: Date;
	editedAt: Date | null;
	deletedAt: Date | null;
};

const messageColumns = [
	'm.id',
	'm.threadId',
	'm.seq',
	'm.authorId',
	'm.clientKey',
	'm.bodySource',
	'm.bodyHtml',
	'm.replyToId',
	'm.createdAt',
	'm.editedAt',
	'm.deletedAt'
] as const;

export async function getMessageByClientKey(
	db: Database,
	threadId: number,
	authorId: number,
	clientKey: string
): Promise<MessageRow | undefined> {
	return db
		.selectFrom('threadMessage as m')
		.where('m.threadId', '=', threadId)
		.where('m.authorId', '=', authorId)
		.where('m.clientKey', '=', clientKey)
		.select(messageColumns)
		.executeTakeFirst();
}

export async function getMessage(db: Database, id: number): Promise<MessageRow | undefined> {
	return db
		.selectFrom('threadMessage as m')
		.where('m.id', '=', id)
		.select(messageColumns)
		.executeTakeFirst();
}

export async function insertMessage(
	db: Database,
	values: Omit<MessageRow, 'id' | 'editedAt' | 'deletedAt'>
): Promise<MessageRow> {
	return db
		.insertInto('threadMessage')
		.values(values)
		.returning([
			'id',
			'threadId',
			'seq',
			'authorId',
			'clientKey',
			'bodySource',
			'bodyHtml',
			'replyToId',
			'createdAt',
			'editedAt',
			'deletedAt'
		])
		.executeTakeFirstOrThrow();
}

export async function reviseMessage(
	db: Database,
	message: MessageRow,
	next: { bodySource: string; bodyHtml: string; editedAt: Date }
) {
	await db
		.insertInto('threadMessageRevision')
		.values({
			messageId: message.id,
			bodySource: message.bodySource,
			bodyHtml: message.bodyHtml,
			replacedAt: next.editedAt
		})
		.execute();
	await db.updateTable('threadMessage').set(next).where('id', '=', message.id).execute();
}

export async function markMessageDeleted(db: Database, id: number, at: Date) {
	await db.updateTable('threadMessage').set({ deletedAt: at }).where('id', '=', id).execute();
}

/** Messages with their authors, replied-to message and reactions, by sequence range. */
export async function listMessageDetails(
	db: Database,
	threadId: number,
	range: { afterSeq?: number; beforeSeq?: number; ids?: number[] },
	limit: number
) {
	let query = db
		.selectFrom('threadMessage as m')
		.innerJoin('users as u', 'u.id', 'm.authorId')
		.leftJoin('threadMessage as r', 'r.id', 'm.replyToId')
		.leftJoin('users as ru', 'ru.id', 'r.authorId')
		.where('m.threadId', '=', threadId)
		.select([
			...messageColumns,
			'u.name as authorName',
			'u.title as authorTitle',
			'r.seq as replySeq',
			'r.bodySource as replySource',
			'r.deletedAt as replyDeletedAt',
			'ru.name as replyAuthorName'
		])
		.limit(limit);
	if (range.ids) query = query.where('m.id', 'in', range.ids.length ? range.ids : [0]);
	if (range.afterSeq !== undefined) query = query.where('m.seq', '>', range.afterSeq);
	if (range.beforeSeq !== undefined) query = query.where('m.seq', '<', range.beforeSeq);
	// Older history is read backwards from the cursor, then put back in order by the caller.
	return range.beforeSeq !== undefined
		? query.orderBy('m.seq', 'desc').execute()
		: query.orderBy('m.seq', 'asc').execute();
}

export async function listMessageReactions(db: Database, messageIds: number[]) {
	if (!messageIds.length) return [];
	return db
		.selectFrom('threadMessageReaction')
		.where('messageId', 'in', messageIds)
		.select(['messageId', 'kind', 'userId'])
		.orderBy('createdAt')
		.execute();
}

export async function insertMessageReaction(
	db: Database,
	values: { messageId: number; userId: number; kind: string }
): Promise<boolean> {
	const row = await db
		.insertInto('threadMessageReaction')
		.values(values)
		.onConflict((oc) => oc.doNothing())
		.returning('messageId')
		.executeTakeFirst();
	return row !== undefined;
}

export async function deleteMessageReaction(
	db: Database,
	values: { messageId: number; userId: number; kind: string }
): Promise<boolean> {
	const result = await db
		.deleteFrom('threadMessageReaction')
		.where('messageId', '=', values.messageId)
		.where('userId', '=', values.userId)
		.where('kind', '=', values.kind)
		.executeTakeFirst();
	return Number(result.numDeletedRows) > 0;
}
