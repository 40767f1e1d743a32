/**
 * How each kind of content becomes a search document: one SELECT per kind over its source table,
 * returning the columns of `search_document`. The same statement serves one changed row (the
 * outbox worker passes its ids) and a rebuild from scratch (no ids), so both always agree. A
 * source that is deleted (or a person deactivated) yields no row, which removes its document.
 */
import { sql, type RawBuilder } from 'kysely';
import type { SearchKind } from '../../shared/schemas/search.ts';

/** The columns every indexer returns, in this order (see the migration for their meaning). */
export const DOCUMENT_COLUMNS = [
	'kind',
	'source_id',
	'department_id',
	'allowed_user_ids',
	'title',
	'body',
	'url',
	'context',
	'author_id',
	'created_at',
	'updated_at'
] as const;

export type SourceDocument = {
	kind: SearchKind;
	sourceId: number;
	departmentId: number | null;
	allowedUserIds: number[] | null;
	title: string;
	body: string;
	url: string;
	context: string;
	authorId: number | null;
	createdAt: Date;
	updatedAt: Date;
};

/** `and <column> = any(ids)` when ids are given; nothing (every row) for a rebuild. */
function only(column: string, ids: number[] | null): RawBuilder<unknown> {
	return ids === null ? sql`` : sql`and ${sql.ref(column)} = any(${ids}::bigint[])`;
}

const INDEXERS: Record<SearchKind, (ids: number[] | null) => RawBuilder<SourceDocument>> = {
	post: (ids) => sql`
		select 'post' as kind, p.id as source_id, p.department_id, null::bigint[] as allowed_user_ids,
			'' as title, search_text(p.body_source) as body, '/posts/' || p.id as url, '' as context,
			p.author_id, p.created_at, coalesce(p.edited_at, p.created_at) as updated_at
		from post p
		where p.deleted_at is null ${only('p.id', ids)}`,
	// A comment lives as long as its post and has its post's audience.
	comment: (ids) => sql`
		select 'comment' as kind, c.id as source_id, p.department_id, null::bigint[],
			'' as title, search_text(c.body_source) as body,
			'/posts/' || p.id || '#comment-' || c.id as url, 'Comment on a post' as context,
			c.author_id, c.created_at, coalesce(c.edited_at, c.created_at) as updated_at
		from post_comment c join post p on p.id = c.post_id
		where c.deleted_at is null and p.deleted_at is null ${only('c.id', ids)}`,
	// A thread and its messages follow the thread's home department.
	thread: (ids) => sql`
		select 'thread' as kind, t.id as source_id, t.department_id, null::bigint[],
			t.title, '' as body, '/threads/' || t.id as url, '' as context,
			t.created_by as author_id, t.created_at, coalesce(t.last_message_at, t.created_at)
		from thread t
		where true ${only('t.id', ids)}`,
	message: (ids) => sql`
		select 'message' as kind, m.id as source_id, t.department_id, null::bigint[],
			'' as title, search_text(m.body_source) as body,
			'/threads/' || t.id || '?at=' || m.seq as url, t.title as context,
			m.author_id, m.created_at, coalesce(m.edited_at, m.created_at)
		from thread_message m join thread t on t.id = m.thread_id
		where m.deleted_at is null ${only('m.id', ids)}`,
	page: (ids) => sql`
		select 'page' as kind, pg.id as source_id, pg.department_id, null::bigint[],
			pg.title, search_text(pg.body_source) as body,
			'/kb/' || coalesce(d.slug, 'organisation') || '/' || pg.path as url,
			coalesce(d.name, 'Organisation') as context,
			pg.updated_by as author_id, pg.created_at, pg.updated_at
		from kb_page pg left join department d on d.id = pg.department_id
		where pg.deleted_at is null ${only('pg.id', ids)}`,
	// People are found by name, job title, department and bio; a members-only department's
	// people exist only for its members, like its posts.
	person: (ids) => sql`
		select 'person' as kind, u.id as source_id, u.department_id, null::bigint[],
			u.name as title, search_text(concat_ws(' ', u.title, d.name, u.bio)) as body,
			'/people/' || u.id as url, u.title as context,
			null::bigint as author_id, u.created_at, u.updated_at
		from users u join department d on d.id = u.department_id
		where u.status = 'active' ${only('u.id', ids)}`,
	// A memo is found only by its recipients and its author (allowed_user_ids), in the text of
	// its current version; drafts and retracted memos are not searchable.
	memo: (ids) => sql`
		select 'memo' as kind, m.id as source_id, m.issuing_department_id,
			array(select r.user_id from memo_recipient r where r.memo_id = m.id) || m.created_by,
			v.title, search_text(v.body_source) as body, '/memos/' || m.id as url,
			initcap(m.category) || coalesce(' ' || m.reference, '') as context,
			m.created_by as author_id, coalesce(m.published_at, m.created_at), v.created_at
		from memo m join memo_version v on v.memo_id = m.id and v.number = m.current_version
		where m.status in ('published', 'superseded') ${only('m.id', ids)}`
};

/** The documents of these sources of one kind (every source of the kind when `ids` is null). */
export function documentSource(kind: SearchKind, ids: number[] | null): RawBuilder<SourceDocument> {
	return INDEXERS[kind](ids);
}
