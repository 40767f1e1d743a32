import { sql, type Kysely } from 'kysely';

/**
 * Sessions, personal access tokens, sign-in throttling, single sign-on state and the
 * append-only, hash-chained audit trail.
 */
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.createTable('session')
		// SHA-256 (hex) of the token in the cookie; the token itself is never stored.
		.addColumn('id', 'text', (c) => c.primaryKey())
		.addColumn('user_id', 'bigint', (c) => c.notNull().references('users.id').onDelete('cascade'))
		.addColumn('auth_method', 'text', (c) =>
			c.notNull().check(sql`auth_method in ('password', 'oidc')`)
		)
		.addColumn('created_at', 'timestamptz', (c) => c.notNull())
		.addColumn('last_seen_at', 'timestamptz', (c) => c.notNull())
		.addColumn('idle_expires_at', 'timestamptz', (c) => c.notNull())
		.addColumn('absolute_expires_at', 'timestamptz', (c) => c.notNull())
		.addColumn('ip', 'text')
		.addColumn('user_agent', 'text')
		.execute();
	await db.schema
		.createIndex('session_user_id_idx')
		.on('session')
		.columns(['user_id', 'created_at'])
		.execute();

	await db.schema
		.createTable('personal_access_token')
		.addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
		.addColumn('user_id', 'bigint', (c) => c.notNull().references('users.id').onDelete('cascade'))
		.addColumn('name', 'text', (c) => c.notNull().check(sql`length(name) between 1 and 100`))
		.addColumn('token_hash', 'text', (c) => c.notNull().unique())
		// The first characters of the token, so people can tell their tokens apart.
		.addColumn('token_prefix', 'text', (c) => c.notNull())
		.addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.addColumn('expires_at', 'timestamptz')
		.addColumn('last_used_at', 'timestamptz')
		.addColumn('revoked_at', 'timestamptz')
		.execute();
	await db.schema
		.createIndex('personal_access_token_user_idx')
		.on('personal_access_token')
		.columns(['user_id', 'created_at'])
		.execute();

	await db.schema
		.createTable('sign_in_throttle')
		// 'account:<email>' or 'ip:<address>'; the count lapses after a quiet window since the last attempt
		.addColumn('key', 'text', (c) => c.primaryKey())
		.addColumn('failures', 'integer', (c) => c.notNull())
		.addColumn('last_attempt_at', 'timestamptz', (c) => c.notNull())
		.addColumn('blocked_until', 'timestamptz')
		.execute();

	await db.schema
		.createTable('oidc_login')
		.addColumn('state', 'text', (c) => c.primaryKey())
		.addColumn('code_verifier', 'text', (c) => c.notNull())
		.addColumn('nonce', 'text', (c) => c.notNull())
		.addColumn('return_to', 'text', (c) => c.notNull())
		.addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.execute();

	await db.schema
		.createTable('audit_event')
		.addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
		.addColumn('occurred_at', 'timestamptz', (c) => c.notNull())
		// No foreign keys: the trail outlives the rows it mentions.
		.addColumn('actor_id', 'bigint')
		.addColumn('actor_label', 'text', (c) => c.notNull())
		.addColumn('action', 'text', (c) => c.notNull())
		.addColumn('object_type', 'text')
		.addColumn('object_id', 'text')
		.addColumn('outcome', 'text', (c) =>
			c.notNull().check(sql`outcome in ('success', 'failure', 'denied')`)
		)
		.addColumn('ip', 'text')
		.addColumn('user_agent', 'text')
		.addColumn('details', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
		.addColumn('prev_hash', 'text', (c) => c.notNull())
		.addColumn('hash', 'text', (c) => c.notNull().unique())
		.execute();
	await db.schema
		.createIndex('audit_event_occurred_idx')
		.on('audit_event')
		.columns(['occurred_at', 'id'])
		.execute();
	await db.schema
		.createIndex('audit_event_actor_idx')
		.on('audit_event')
		.columns(['actor_id', 'id'])
		.execute();
	await db.schema
		.createIndex('audit_event_action_idx')
		.on('audit_event')
		.columns(['action', 'id'])
		.execute();
	await db.schema
		.createIndex('audit_event_object_idx')
		.on('audit_event')
		.columns(['object_type', 'object_id', 'id'])
		.execute();

	// Append-only: the database itself refuses to change or remove audit rows.
	await sql`
		create function refuse_audit_change() returns trigger language plpgsql as $$
		begin
			raise exception 'audit_event is append-only: % is not allowed', tg_op
				using errcode = 'insufficient_privilege';
		end;
		$$
	`.execute(db);
	await sql`
		create trigger audit_event_append_only before update or delete on audit_event
		for each row execute function refuse_audit_change()
	`.execute(db);
	await sql`
		create trigger audit_event_no_truncate before truncate on audit_event
		for each statement execute function refuse_audit_change()
	`.execute(db);

	// People directory search by name and title, typo-tolerant.
	await sql`create extension if not exists pg_trgm`.execute(db);
	await sql`create index users_name_trgm_idx on users using gin (name gin_trgm_ops)`.execute(db);
	await sql`create index users_title_trgm_idx on users using gin (title gin_trgm_ops)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
	await sql`drop index if exists users_title_trgm_idx`.execute(db);
	await sql`drop index if exists users_name_trgm_idx`.execute(db);
	await db.schema.dropTable('audit_event').execute();
	await sql`drop function if exists refuse_audit_change()`.execute(db);
	await db.schema.dropTable('oidc_login').execute();
	await db.schema.dropTable('sign_in_throttle').execute();
	await db.schema.dropTable('personal_access_token').execute();
	await db.schema.dropTable('session').execute();
}
