import { sql, type Kysely } from 'kysely';

/**
 * Title matches from a narrow copy of the titled documents (pages, threads, memos, people).
 *
 * Title matches are found on their own branch (they always rank first), newest first, and a
 * GIN index hands back every match before any is read: an everyday title word, or a three-letter
 * prefix typed into the search box, matched 4,000 to 17,000 titles, and each one cost a read of
 * a wide search_document row (body and tsvector, about ten to a page). Here about eighty rows
 * share a page: the same 17,000 matches read in 11 ms instead of 44 ms (search benchmark,
 * 1,000,000 documents), and the planner, knowing each title word's frequency, walks the newest
 * titles for a common one instead (0.2 ms).
 *
 * search_title is kept by a trigger on search_document, so every writer keeps it in step: the
 * outbox worker, a rebuild, the bulk seeders. It replaces search_document_title_fts_idx.
 */
export async function up(db: Kysely<any>): Promise<void> {
	await sql`
		create table search_title (
			kind text not null,
			source_id bigint not null,
			title text not null,
			department_id bigint,
			allowed_user_ids bigint[],
			updated_at timestamptz not null,
			-- Stored rather than an expression index: ANALYZE keeps the frequencies of a stored
			-- tsvector's words, which let the planner walk the newest titles for an everyday word
			-- (0.2 ms) instead of sorting its thousands of matches (13 ms).
			title_vector tsvector generated always as (to_tsvector('commons', title)) stored,
			primary key (kind, source_id)
		)
	`.execute(db);
	await sql`
		insert into search_title (kind, source_id, title, department_id, allowed_user_ids, updated_at)
		select kind, source_id, title, department_id, allowed_user_ids, updated_at
		from search_document where title <> ''
	`.execute(db);
	await sql`create index search_title_fts_idx on search_title using gin (title_vector)`.execute(db);
	await sql`create index search_title_updated_idx on search_title (updated_at)`.execute(db);
	await sql`
		create function search_title_mirror() returns trigger language plpgsql as $$
		begin
			if tg_op = 'TRUNCATE' then
				-- delete, not truncate: the statement that fired this may be truncating
				-- search_title as well (the demo reset empties every table at once).
				delete from search_title;
				return null;
			end if;
			if tg_op in ('UPDATE', 'DELETE') then
				delete from search_title where kind = old.kind and source_id = old.source_id;
			end if;
			if tg_op in ('INSERT', 'UPDATE') and new.title <> '' then
				insert into search_title
					(kind, source_id, title, department_id, allowed_user_ids, updated_at)
				values
					(new.kind, new.source_id, new.title, new.department_id, new.allowed_user_ids,
						new.updated_at);
			end if;
			return null;
		end
		$$
	`.execute(db);
	await sql`
		create trigger search_title_mirror after insert or update or delete on search_document
		for each row execute function search_title_mirror()
	`.execute(db);
	await sql`
		create trigger search_title_mirror_truncate after truncate on search_document
		for each statement execute function search_title_mirror()
	`.execute(db);
	await sql`drop index search_document_title_fts_idx`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
	await sql`
		create index search_document_title_fts_idx on search_document
		using gin (to_tsvector('commons', title)) where title <> ''
	`.execute(db);
	await sql`drop trigger search_title_mirror_truncate on search_document`.execute(db);
	await sql`drop trigger search_title_mirror on search_document`.execute(db);
	await sql`drop function search_title_mirror()`.execute(db);
	await sql`drop table search_title`.execute(db);
}
