import { sql, type Kysely } from 'kysely';

/**
 * Appending to the audit hash chain in one statement. Before, the application took the chain's
 * lock, read the last hash, computed the new one and inserted the row in three round trips, and
 * every statement its transaction ran afterwards (and the commit) extended the time the lock
 * was held: every audited write of the whole application waits for that lock. Now the caller
 * computes the event's canonical JSON before (outside the lock), and this function takes the
 * same lock, reads the last hash, hashes and inserts in one call; the caller appends last and
 * commits straight away, so the lock is held for this call and the commit.
 *
 * The hash is the one `chainHash` in src/lib/server/audit/chain.ts computes (SHA-256, hex, of
 * the previous hash, a newline and the canonical JSON, as UTF-8); the caller checks the result
 * against its own computation, so the verifier (`npm run audit:verify`) and the database cannot
 * drift apart unnoticed. The lock is the one the application used before, so instances of
 * either version can write to the same chain during a rolling deployment.
 *
 * Each statement of a plpgsql function gets a fresh snapshot under READ COMMITTED, so the read
 * after the lock sees the event its previous holder committed. Under REPEATABLE READ or
 * SERIALIZABLE it would not, and the chain would fork: the function refuses those.
 */
export async function up(db: Kysely<any>): Promise<void> {
	await sql`
		create function append_audit_event(
			p_occurred_at timestamptz, p_actor_id bigint, p_actor_label text, p_action text,
			p_object_type text, p_object_id text, p_outcome text, p_ip text, p_user_agent text,
			p_details jsonb, p_canonical text,
			out id bigint, out prev_hash text, out hash text
		) language plpgsql volatile as $$
		begin
			if current_setting('transaction_isolation') <> 'read committed' then
				raise exception 'audit events are appended under READ COMMITTED only (not %)',
					current_setting('transaction_isolation');
			end if;
			perform pg_advisory_xact_lock(hashtext('commons.audit_chain'));
			select e.hash into prev_hash from audit_event e order by e.id desc limit 1;
			prev_hash := coalesce(prev_hash, repeat('0', 64));
			hash := encode(sha256(convert_to(prev_hash || E'\n' || p_canonical, 'UTF8')), 'hex');
			insert into audit_event (occurred_at, actor_id, actor_label, action, object_type,
				object_id, outcome, ip, user_agent, details, prev_hash, hash)
			values (p_occurred_at, p_actor_id, p_actor_label, p_action, p_object_type,
				p_object_id, p_outcome, p_ip, p_user_agent, p_details, prev_hash, hash)
			returning audit_event.id into id;
		end;
		$$
	`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
	await sql`
		drop function append_audit_event(timestamptz, bigint, text, text, text, text, text, text,
			text, jsonb, text)
	`.execute(db);
}
