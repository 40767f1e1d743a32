import { sql } from 'kysely';
import type { Database } from '../db/index.ts';

export type PostRow = {
	id: number;
	authorId: number;
	departmentId: number | null;
	bodySource: string;
	bodyHtml: string;
	isAnnouncement: boolean;
	pinnedAt: Date | null;
	commentCount: number;
	createdAt: Date;
	editedAt: Date | null;
	deletedAt: Date | null;
};

const postColumns = [
	'post.id',
	'post.authorId',
	'post.departmentId',
	'post.bodySource',
	'post.bodyHtml',
	'post.isAnnouncement',
	'post.pinnedAt',
	'post.commentCount',
	'post.createdAt',
	'post.editedAt',
	'post.deletedAt'
] as const;

export async function insertPost(
	db: Database,
	values: {
		authorId: number;
		departmentId: number | null;
		bodySource: string;
		bodyHtml: string;
		isAnnouncement: boolean;
		createdAt?: Date;
	}
): Promise<PostRow> {
	return db.insertInto('post').values(values).returning(postColumns).executeTakeFirstOrThrow();
}

export async function getPostRow(db: Database, id: number): Promise<PostRow | undefined> {
	return db.selectFrom('post').where('id', '=', id).select(postColumns).executeTakeFirst();
}

/** The row locked for an update in the caller's transaction. */
export async function getPostRowForUpdate(db: Database, id: number): Promise<PostRow | undefined> {
	return db
		.selectFrom('post')
		.where('id', '=', id)
		.select(postColumns)
		.forUpdate()
		.executeTakeFirst();
}

/** Keeps the version being replaced, then writes the new text. */
export async function revisePostBody(
	db: Database,
	post: PostRow,
	next: { bodySource: string; bodyHtml: string; editedAt: Date }
): Promise<PostRow> {
	await db
		.insertInto('postRevision')
		.values({
			postId: post.id,
			bodySource: post.bodySource,
			bodyHtml: post.bodyHtml,
			writtenBy: post.authorId,
			writtenAt: post.editedAt ?? post.createdAt,
			replacedAt: next.editedAt
		})
		.execute();
	return db
		.updateTable('post')
		.set(next)
		.where('id', '=', post.id)
		.returning(postColumns)
		.executeTakeFirstOrThrow();
}

export async function listPostRevisions(db: Database, postId: number) {
	return db
		.selectFrom('postRevision as r')
		.innerJoin('users as u', 'u.id', 'r.writtenBy')
		.where('r.postId', '=', postId)
		.select(['r.id', 'r.bodyHtml', 'r.writtenAt', 'r.replacedAt', 'u.name as writtenByName'])
		.orderBy('r.id', 'desc')
		.limit(200)
		.execute();
}

export async function softDeletePost(db: Database, id: number, by: number, at: Date) {
	await db
		.updateTable('post')
		.set({ deletedAt: at, deletedBy: by, pinnedAt: null, pinnedBy: null })
		.where('id', '=', id)
		.execute();
}

export async function setPostPinned(db: Database, id: number, by: number | null, at: Date | null) {
	await db.updateTable('post').set({ pinnedAt: at, pinnedBy: by }).where('id', '=', id).execute();
}

type ReactionCount = { kind: string; count: number; mine: boolean };
type AttachmentJson = {
	id: number;
	fileName: string;
	contentType: string;
	byteSize: number;
	width: number | null;
	height: number | null;
};

/**
 * Posts as the pages show them, in the order of `ids`: with author, department, reaction counts
 * (and whether the viewer reacted) and attachments, all in one query, because on a feed page
 * every round trip to the database counts.
 */
export async function listPostDetails(db: Database, ids: number[], viewerId: number) {
	if (!ids.length) return [];
	const rows = await db
		.selectFrom('post')
		.innerJoin('users as author', 'author.id', 'post.authorId')
		.leftJoin('department as d', 'd.id', 'post.departmentId')
		.where('post.id', 'in', ids)
		.select([
			...postColumns,
			'author.name as authorName',
			'author.title as authorTitle',
			'd.name as departmentName',
			'd.slug as departmentSlug',
			sql<ReactionCount[]>`coalesce((
				select json_agg(json_build_object('kind', kind, 'count', n, 'mine', mine) order by kind)
				from (
					select r.kind, count(*)::int as n, bool_or(r.user_id = ${viewerId}) as mine
					from post_reaction r where r.post_id = post.id group by r.kind
				) counted
			), '[]'::json)`.as('reactionCounts'),
			sql<AttachmentJson[]>`coalesce((
				select json_agg(json_build_object(
					'id', a.id, 'fileName', a.file_name, 'contentType', a.content_type,
					'byteSize', a.byte_size, 'width', a.width, 'height', a.height) order by a.id)
				from attachment a where a.post_id = post.id
			), '[]'::json)`.as('attachmentList')
		])
		.execute();
	const byId = new Map(rows.map((r) => [r.id, r]));
	return ids.map((id) => byId.get(id)).filter((r) => r !== undefined);
}

/** Who reacted to a post, by kind (the first 100 of each, alphabetical). */
export async function listReactors(db: Database, postId: number) {
	const { rows } = await sql<{ kind: string; id: number; name: string }>`
		select kind, id, name from (
			select r.kind, u.id, u.name,
				row_number() over (partition by r.kind order by u.name, u.id) as n
			from post_reaction r join users u on u.id = r.user_id
			where r.post_id = ${postId}
		) ranked
		where n <= 100
		order by kind, name, id
	`.execute(db);
	return rows;
}

/** Adds a reaction; false when the person had already reacted this way. */
export async function insertReaction(
	db: Database,
	values: { postId: number; userId: number; kind: string }
): Promise<boolean> {
	const row = await db
		.insertInto('postReaction')
		.values(values)
		.onConflict((oc) => oc.doNothing())
		.returning('postId')
		.executeTakeFirst();
	return row !== undefined;
}

/** Removes a reaction; false when there was none. */
export async function deleteReaction(
	db: Database,
	values: { postId: number; userId: number; kind: string }
): Promise<boolean> {
	const result = await db
		.deleteFrom('postReaction')
		.where('postId', '=', values.postId)
		.where('userId', '=', values.userId)
		.where('kind', '=', values.kind)
		.executeTakeFirst();
	return Number(result.numDeletedRows) > 0;
}
