import { sql, type Kysely } from 'kysely';

/**
 * Search: one table of searchable documents (pages, posts, comments, thread messages, threads,
 * memos, people) with a weighted tsvector kept by PostgreSQL itself, and the outbox that every
 * write of searchable content fills in its own transaction so the index can never fall behind
 * for good. `unaccent` and `pg_trgm` are trusted extensions: a database owner may create them.
 */
// String.raw keeps the regular expressions' backslashes as PostgreSQL must see them.
const SEARCH_TEXT_FUNCTION = String.raw`
	create function search_text(source text) returns text
	language sql immutable parallel safe return
	trim(regexp_replace(regexp_replace(regexp_replace(
		translate(source, U&'\E000\E001', ''),
		'!?\[([^\]]*)\]\([^)]*\)', '\1', 'g'),
		'[*_#>~|]+', ' ', 'g'),
		'\s+', ' ', 'g'))
`;

export async function up(db: Kysely<any>): Promise<void> {
	await sql`create extension if not exists unaccent`.execute(db);
	await sql`create extension if not exists pg_trgm`.execute(db);
	// English stemming after unaccent, so "café" finds "cafe". Naming the configuration in
	// to_tsvector('commons', …) keeps the expression immutable, so it can feed a generated column.
	await sql`create text search configuration commons (copy = english)`.execute(db);
	await sql`
		alter text search configuration commons
		alter mapping for hword, hword_part, word with unaccent, english_stem
	`.execute(db);

	// Markdown as words: link targets, emphasis marks and the highlight sentinels (U+E000/E001,
	// see src/lib/server/search/highlight.ts) are dropped so they neither match nor leak markup.
	await sql.raw(SEARCH_TEXT_FUNCTION).execute(db);

	await sql`
		create table search_document (
			kind text not null
				check (kind in ('page', 'post', 'comment', 'message', 'thread', 'memo', 'person')),
			source_id bigint not null,
			-- null: everyone in the organisation may see it (subject to allowed_user_ids)
			department_id bigint references department (id) on delete cascade,
			-- null: everyone who may see the department; else only these people (memo recipients)
			allowed_user_ids bigint[],
			title text not null default '' check (length(title) <= 500),
			body text not null default '',
			url text not null,
			-- where it lives, shown with the hit (a message's thread title); not searched
			context text not null default '',
			author_id bigint references users (id) on delete set null,
			created_at timestamptz not null,
			updated_at timestamptz not null,
			document tsvector generated always as (
				setweight(to_tsvector('commons', title), 'A') ||
				setweight(to_tsvector('commons', body), 'B')
			) stored,
			primary key (kind, source_id)
		)
	`.execute(db);
	await sql`create index search_document_fts_idx on search_document using gin (document)`.execute(
		db
	);
	// Title matches are found on their own (they always rank first), and every match set is read
	// newest first when it is large: see search.repository.ts.
	await sql`
		create index search_document_title_fts_idx on search_document
		using gin (to_tsvector('commons', title)) where title <> ''
	`.execute(db);
	await sql`create index search_document_updated_idx on search_document (updated_at)`.execute(db);
	// Typo tolerance: every word of every title and name, with a trigram index, so a word nothing
	// matches can be replaced by the closest real one ("procurment" -> "procurement"). Words are
	// only ever added; a stale word costs nothing but a suggestion that finds nothing.
	await sql`
		create table search_word (word text primary key check (length(word) between 3 and 60))
	`.execute(db);
	await sql`create index search_word_trgm_idx on search_word using gin (word gin_trgm_ops)`.execute(
		db
	);
	await sql`
		create index search_document_allowed_idx on search_document using gin (allowed_user_ids)
		where allowed_user_ids is not null
	`.execute(db);
	await sql`create index search_document_department_idx on search_document (department_id)`.execute(
		db
	);

	await sql`
		create table search_outbox (
			id bigint generated always as identity primary key,
			kind text not null
				check (kind in ('page', 'post', 'comment', 'message', 'thread', 'memo', 'person')),
			source_id bigint not null,
			created_at timestamptz not null default now()
		)
	`.execute(db);

	// Wakes the index worker in the same transaction as the write: graphile-worker's add_job
	// notifies its listeners on commit. The schema exists once the job runner has started; before
	// that (migrations, tests without a worker) the rows simply wait for the start-up drain.
	await sql`
		create function search_outbox_wake() returns trigger language plpgsql as $$
		begin
			if to_regnamespace('graphile_worker') is not null then
				perform graphile_worker.add_job('search_index', '{}'::json, queue_name := 'search');
			end if;
			return null;
		end
		$$
	`.execute(db);
	await sql`
		create trigger search_outbox_wake after insert on search_outbox
		for each statement execute function search_outbox_wake()
	`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
	await sql`drop table search_outbox`.execute(db);
	await sql`drop function search_outbox_wake()`.execute(db);
	await sql`drop table search_word`.execute(db);
	await sql`drop table search_document`.execute(db);
	await sql`drop function search_text(text)`.execute(db);
	await sql`drop text search configuration commons`.execute(db);
}
