import { sql, type Kysely } from 'kysely';

/** Departments (a tree), people, and roles as data. */
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.createTable('department')
		.addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
		.addColumn('slug', 'text', (c) =>
			c
				.notNull()
				.unique()
				.check(sql`slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'`)
		)
		.addColumn('name', 'text', (c) => c.notNull().check(sql`length(name) between 1 and 120`))
		.addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
		.addColumn('parent_id', 'bigint', (c) => c.references('department.id').onDelete('restrict'))
		.addColumn('visibility', 'text', (c) =>
			c
				.notNull()
				.defaultTo('organisation')
				.check(sql`visibility in ('organisation', 'members-only')`)
		)
		.addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.addCheckConstraint('department_not_own_parent', sql`parent_id is distinct from id`)
		.execute();
	await db.schema
		.createIndex('department_parent_id_idx')
		.on('department')
		.column('parent_id')
		.execute();

	await db.schema
		.createTable('users')
		.addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
		.addColumn('email', 'text', (c) =>
			c.notNull().check(sql`email = lower(email) and email like '%_@_%'`)
		)
		.addColumn('name', 'text', (c) => c.notNull().check(sql`length(name) between 1 and 200`))
		.addColumn('title', 'text', (c) => c.notNull().defaultTo(''))
		.addColumn('department_id', 'bigint', (c) => c.notNull().references('department.id'))
		.addColumn('manager_id', 'bigint', (c) => c.references('users.id').onDelete('set null'))
		.addColumn('avatar_url', 'text')
		.addColumn('bio', 'text', (c) => c.notNull().defaultTo(''))
		.addColumn('status', 'text', (c) =>
			c
				.notNull()
				.defaultTo('active')
				.check(sql`status in ('active', 'deactivated')`)
		)
		.addColumn('password_hash', 'text')
		.addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.addColumn('deactivated_at', 'timestamptz')
		.execute();
	await db.schema.createIndex('users_email_key').on('users').column('email').unique().execute();
	await db.schema
		.createIndex('users_department_id_idx')
		.on('users')
		.columns(['department_id', 'name', 'id'])
		.execute();
	// The people directory pages through everyone by name.
	await db.schema.createIndex('users_name_idx').on('users').columns(['name', 'id']).execute();
	await db.schema.createIndex('users_manager_id_idx').on('users').column('manager_id').execute();

	await db.schema
		.createTable('role')
		.addColumn('key', 'text', (c) => c.primaryKey())
		.addColumn('name', 'text', (c) => c.notNull())
		.addColumn('description', 'text', (c) => c.notNull())
		.addColumn('scoped_to_department', 'boolean', (c) => c.notNull())
		.execute();
	await db
		.insertInto('role')
		.values([
			{
				key: 'staff',
				name: 'Staff',
				description:
					'Every active person: reads what their departments may see and posts in their own.',
				scoped_to_department: false
			},
			{
				key: 'manager',
				name: 'Manager',
				description: 'Manages a department and its sub-departments.',
				scoped_to_department: true
			},
			{
				key: 'communications',
				name: 'Communications',
				description: 'Issues organisation-wide posts and memos.',
				scoped_to_department: false
			},
			{
				key: 'admin',
				name: 'Administrator',
				description: 'Manages people, departments, roles and the audit trail.',
				scoped_to_department: false
			}
		])
		.execute();

	await db.schema
		.createTable('role_assignment')
		.addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
		.addColumn('user_id', 'bigint', (c) => c.notNull().references('users.id').onDelete('cascade'))
		.addColumn('role_key', 'text', (c) => c.notNull().references('role.key'))
		.addColumn('department_id', 'bigint', (c) => c.references('department.id').onDelete('cascade'))
		.addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.addCheckConstraint(
			'role_assignment_scope',
			sql`(role_key = 'manager') = (department_id is not null)`
		)
		.execute();
	await sql`create unique index role_assignment_unique on role_assignment (user_id, role_key, department_id) nulls not distinct`.execute(
		db
	);
	await db.schema
		.createIndex('role_assignment_department_idx')
		.on('role_assignment')
		.columns(['department_id', 'role_key'])
		.execute();
}

export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.dropTable('role_assignment').execute();
	await db.schema.dropTable('role').execute();
	await db.schema.dropTable('users').execute();
	await db.schema.dropTable('department').execute();
}
