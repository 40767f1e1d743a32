/**
 * Test data factories: each creates real rows with sensible defaults and returns them.
 * Overrides set exactly the columns a test cares about.
 */
import { randomBytes } from 'node:crypto';
import type { Insertable } from 'kysely';
import type { Database } from '../src/lib/server/db/index.ts';
import type { Department, Users } from '../src/lib/server/db/schema.ts';

function unique(): string {
	return randomBytes(4).toString('hex');
}

export async function newDepartment(db: Database, overrides: Partial<Insertable<Department>> = {}) {
	const suffix = unique();
	return db
		.insertInto('department')
		.values({ slug: `dept-${suffix}`, name: `Department ${suffix}`, ...overrides })
		.returningAll()
		.executeTakeFirstOrThrow();
}

export async function newUser(db: Database, overrides: Partial<Insertable<Users>> = {}) {
	const suffix = unique();
	const departmentId = overrides.departmentId ?? (await newDepartment(db)).id;
	return db
		.insertInto('users')
		.values({
			email: `person-${suffix}@example.test`,
			name: `Person ${suffix}`,
			title: 'Officer',
			...overrides,
			departmentId
		})
		.returningAll()
		.executeTakeFirstOrThrow();
}

export async function grantRole(
	db: Database,
	userId: number,
	roleKey: 'manager' | 'communications' | 'admin',
	departmentId: number | null = null
) {
	return db
		.insertInto('roleAssignment')
		.values({ userId, roleKey, departmentId })
		.returningAll()
		.executeTakeFirstOrThrow();
}
