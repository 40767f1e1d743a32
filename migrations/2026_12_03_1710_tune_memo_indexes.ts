import { sql, type Kysely } from 'kysely';

/**
 * memo_recipient keeps the indexes a query uses (the memo benchmark, issue 7). Publishing writes
 * a row per recipient into every index (50,000 at once), and an acknowledgement changes the
 * row's state, which every index covers or filters on: each acknowledgement wrote a new entry
 * into each full index. Two of them served no query:
 *
 * - memo_recipient_state_idx (memo_id, state, due_on) and memo_recipient_department_idx
 *   (memo_id, department_id, state): the counts and the roll-up read every row of the memo
 *   whatever its state, which the primary key (memo_id, user_id) finds as well; the report's
 *   list of people is keyset-paginated on user_id, which only the primary key gives in order
 *   (its status and department filters are checked on the rows it walks).
 *
 * What stays, and the query each one serves: the primary key (a person's row; the report's
 * list; a memo's rows for counts, roll-up and the issuer's desk), memo_recipient_pending_idx
 * (a person's pending memos, the banner on every page), memo_recipient_person_idx (the memos a
 * person received), memo_recipient_reminder_idx (the reminder runner's claim) and
 * memo_recipient_escalation_idx (the escalation claim). tests/integration/memo-indexes.test.ts
 * checks each of those queries against them.
 */
export async function up(db: Kysely<any>): Promise<void> {
	await sql`drop index memo_recipient_state_idx`.execute(db);
	await sql`drop index memo_recipient_department_idx`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
	await sql`create index memo_recipient_state_idx on memo_recipient (memo_id, state, due_on)`.execute(
		db
	);
	await sql`
		create index memo_recipient_department_idx on memo_recipient (memo_id, department_id, state)
	`.execute(db);
}
