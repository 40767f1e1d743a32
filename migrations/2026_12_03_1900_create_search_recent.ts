import { sql, type Kysely } from 'kysely';

/**
 * The last thirty days of search documents in a table of their own, for the "newest body
 * matches" branch of every search (`candidateRows` in search.repository.ts).
 *
 * That branch asks for the newest matches of the last RECENT_DAYS (30). Over the whole index
 * PostgreSQL answered it, for any word that was neither everyday nor rare, by ANDing two bitmaps:
 * the word's whole posting list and the 217,000 documents of the window, 13 ms for the second
 * alone on every such search (issue 9 data, 3.1 million documents). Here the window is the
 * table: a word's posting list holds only its recent matches, so the same branch takes about a
 * millisecond for a rare word and 4–6 ms for a common one, instead of 12–33 ms.
 *
 * search_recent is kept by a trigger on search_document, like search_title, so every writer
 * keeps it in step; documents older than the window are removed every hour
 * (`pruneRecentDocuments`). It holds what the branch filters on and the tsvector, no text.
 */
export async function up(db: Kysely<any>): Promise<void> {
	// No writes to search_document between the copy below and the trigger (the outbox worker
	// of an instance still running the old code): each would be missing from, or stale in, the
	// copy. Migrations run in one transaction, so the lock holds until the trigger exists.
	await sql`lock table search_document in share row exclusive mode`.execute(db);
	await sql`
		create table search_recent (
			kind text not null,
			source_id bigint not null,
			department_id bigint,
			allowed_user_ids bigint[],
			updated_at timestamptz not null,
			document tsvector not null,
			primary key (kind, source_id)
		)
	`.execute(db);
	await sql`
		insert into search_recent (kind, source_id, department_id, allowed_user_ids, updated_at, document)
		select kind, source_id, department_id, allowed_user_ids, updated_at, document
		from search_document where updated_at > now() - interval '30 days'
	`.execute(db);
	await sql`create index search_recent_fts_idx on search_recent using gin (document)`.execute(db);
	await sql`create index search_recent_updated_idx on search_recent (updated_at)`.execute(db);
	// The window is 30 days; RECENT_DAYS in search.repository.ts must not be longer.
	await sql`
		create function search_recent_mirror() returns trigger language plpgsql as $$
		begin
			if tg_op = 'TRUNCATE' then
				-- delete, not truncate: the statement that fired this may be truncating
				-- search_recent as well (the demo reset empties every table at once).
				delete from search_recent;
				return null;
			end if;
			if tg_op in ('UPDATE', 'DELETE') then
				delete from search_recent where kind = old.kind and source_id = old.source_id;
			end if;
			if tg_op in ('INSERT', 'UPDATE') and new.updated_at > now() - interval '30 days' then
				insert into search_recent
					(kind, source_id, department_id, allowed_user_ids, updated_at, document)
				values
					(new.kind, new.source_id, new.department_id, new.allowed_user_ids,
						new.updated_at, new.document)
				-- A row left behind by anything outside this trigger is replaced, not an error
				-- that would fail the writer's whole transaction.
				on conflict (kind, source_id) do update set
					department_id = excluded.department_id,
					allowed_user_ids = excluded.allowed_user_ids,
					updated_at = excluded.updated_at,
					document = excluded.document;
			end if;
			return null;
		end
		$$
	`.execute(db);
	await sql`
		create trigger search_recent_mirror after insert or update or delete on search_document
		for each row execute function search_recent_mirror()
	`.execute(db);
	await sql`
		create trigger search_recent_mirror_truncate after truncate on search_document
		for each statement execute function search_recent_mirror()
	`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
	await sql`drop trigger search_recent_mirror_truncate on search_document`.execute(db);
	await sql`drop trigger search_recent_mirror on search_document`.execute(db);
	await sql`drop function search_recent_mirror()`.execute(db);
	await sql`drop table search_recent`.execute(db);
}
