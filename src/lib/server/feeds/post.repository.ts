import { sql, type RawBuilder } from 'kysely';
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

export type PostDetailsRow = Omit<PostRow, 'bodySource'> & {
	/** Only for the viewer's own posts: nobody else may edit a post (post.policy.ts). */
	bodySource: string | null;
	authorName: string;
	authorTitle: string;
	departmentName: string | null;
	departmentSlug: string | null;
	reactionCounts: ReactionCount[];
	attachmentList: AttachmentJson[];
};

/**
 * The select list and joins of a post as the pages show it (alias `post`): with author,
 * department, reaction counts (and whether the viewer reacted) and attachments. Shared by
 * `listPostDetails` and the feed's one-query page (feed.repository.ts). The markdown source
 * comes only with the viewer's own posts, the ones they may edit: a feed page then reads half
 * the text it did.
 */
export function postDetailsFrom(viewerId: number): RawBuilder<unknown> {
	return sql`
		post.id, post.author_id, post.department_id,
		case when post.author_id = ${viewerId} then post.body_source end as body_source,
		post.body_html,
		post.is_announcement, post.pinned_at, post.comment_count, post.created_at, post.edited_at,
		post.deleted_at, author.name as author_name, author.title as author_title,
		d.name as department_name, d.slug as department_slug,
		coalesce((
			select json_agg(json_build_object('kind', kind, 'count', n, 'mine', mine) order by kind)
			from (
				select r.kind, count(*)::int as n, bool_or(r.user_id = ${viewerId}) as mine
				from post_reaction r where r.post_id = post.id group by r.kind
			) counted
		), '[]'::json) as reaction_counts,
		coalesce((
			select json_agg(json_build_object(
				'id', a.id, 'fileName', a.file_name, 'contentType', a.content_type,
				'byteSize', a.byte_size, 'width', a.width, 'height', a.height) order by a.id)
			from attachment a where a.post_id = post.id
		), '[]'::json) as attachment_list
		from post
		join users author on author.id = post.author_id
		left join department d on d.id = post.department_id`;
}

/**
 * Posts as the pages show them, in the order of `ids`, all in one query, because on a feed page
 * every round trip to the database counts.
 */
export async function listPostDetails(
	db: Database,
	ids: number[],
	viewerId: number
): Promise<PostDetailsRow[]> {
	if (!ids.length) return [];
	const { rows } = await sql<PostDetailsRow>`
		select ${postDetailsFrom(viewerId)} where post.id = any(${ids}::bigint[])
	`.execute(db);
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
