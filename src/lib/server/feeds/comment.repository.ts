import { sql } from 'kysely';
import type { Database } from '../db/index.ts';

export type CommentRow = {
	id: number;
	postId: number;
	parentId: number | null;
	authorId: number;
	bodyHtml: string;
	createdAt: Date;
	editedAt: Date | null;
	deletedAt: Date | null;
};

const commentColumns = [
	'c.id',
	'c.postId',
	'c.parentId',
	'c.authorId',
	'c.bodyHtml',
	'c.createdAt',
	'c.editedAt',
	'c.deletedAt'
] as const;

/** Inserts a comment and counts it on its post, in the caller's transaction. */
export async function insertComment(
	db: Database,
	values: {
		postId: number;
		parentId: number | null;
		authorId: number;
		bodySource: string;
		bodyHtml: string;
	}
): Promise<CommentRow> {
	const row = await db
		.insertInto('postComment')
		.values(values)
		.returning([
			'id',
			'postId',
			'parentId',
			'authorId',
			'bodyHtml',
			'createdAt',
			'editedAt',
			'deletedAt'
		])
		.executeTakeFirstOrThrow();
	await db
		.updateTable('post')
		.set({ commentCount: sql`comment_count + 1` })
		.where('id', '=', values.postId)
		.execute();
	return row;
}

export async function getCommentRow(db: Database, id: number): Promise<CommentRow | undefined> {
	return db
		.selectFrom('postComment as c')
		.where('c.id', '=', id)
		.select(commentColumns)
		.executeTakeFirst();
}

/** Marks a comment deleted (its replies stay) and uncounts it. */
export async function softDeleteComment(db: Database, comment: CommentRow, at: Date) {
	await db.updateTable('postComment').set({ deletedAt: at }).where('id', '=', comment.id).execute();
	await db
		.updateTable('post')
		.set({ commentCount: sql`greatest(comment_count - 1, 0)` })
		.where('id', '=', comment.postId)
		.execute();
}

/** A post's comments in conversation order (oldest first), with authors. */
export async function listCommentsOfPost(db: Database, postId: number, limit = 500) {
	return db
		.selectFrom('postComment as c')
		.innerJoin('users as u', 'u.id', 'c.authorId')
		.where('c.postId', '=', postId)
		.select([...commentColumns, 'u.name as authorName', 'u.title as authorTitle'])
		.orderBy('c.createdAt')
		.orderBy('c.id')
		.limit(limit)
		.execute();
}
