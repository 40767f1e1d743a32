import { sql, type Kysely } from 'kysely';

/**
 * Hyphenated words are searched as their parts. With `english`'s mappings, "code-of-conduct"
 * became the lexeme 'code-of-conduct' followed by its parts, and a query for it found only texts
 * written with the same hyphens: not the page "Code of conduct", not "e mail" for "e-mail".
 * Without a mapping for the whole compound, text and query both keep only the parts, so the
 * query is the phrase 'code' <2> 'conduct'.
 *
 * Documents indexed before this keep the whole compound as an extra lexeme beside its parts,
 * which no query asks for any more: they match as the new ones do, without a reindex.
 */
export async function up(db: Kysely<any>): Promise<void> {
	await sql`
		alter text search configuration commons drop mapping for asciihword, hword, numhword
	`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
	await sql`alter text search configuration commons add mapping for asciihword with english_stem`.execute(
		db
	);
	await sql`alter text search configuration commons add mapping for numhword with simple`.execute(
		db
	);
	await sql`
		alter text search configuration commons add mapping for hword with unaccent, english_stem
	`.execute(db);
}
