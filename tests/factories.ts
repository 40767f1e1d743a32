/**
 * Test data factories: each creates real rows with sensible defaults and returns them.
 * Overrides set exactly the columns a test cares about.
 */
import { randomBytes } from 'node:crypto';
import type { Insertable } from 'kysely';
import type { Database } from '../src/lib/server/db/index.ts';
import type { Department, Post, Users } from '../src/lib/server/db/schema.ts';
import type { RequestContext } from '../src/lib/server/context.ts';
import { loadActor } from '../src/lib/server/org/actor.ts';

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

/** The request context of a person, as the hook would build it. */
export async function contextFor(db: Database, userId: number): Promise<RequestContext> {
	return { actor: await loadActor(db, userId), ip: '127.0.0.1', userAgent: 'vitest' };
}

/** A post written straight into the table (for feed shapes; services are tested separately). */
export async function newPost(
	db: Database,
	overrides: Partial<Insertable<Post>> & { authorId: number }
) {
	const body = overrides.bodySource ?? `Post ${unique()}`;
	return db
		.insertInto('post')
		.values({ bodySource: body, bodyHtml: `<p>${body}</p>`, departmentId: null, ...overrides })
		.returningAll()
		.executeTakeFirstOrThrow();
}
