/**
 * Seeds the demo organisation into an empty database (first start), or resets and reseeds it
 * (`npm run seed`). Every demo account shares one password: DEMO_PASSWORD, or a random one that
 * the caller prints once.
 */
import { randomBytes } from 'node:crypto';
import { sql, type Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { Database } from '../db/index.ts';
import { seedDemoFeed } from './seed-feed.ts';
import { seedDemoKnowledge } from './seed-knowledge.ts';
import { seedDemoMemos } from './seed-memos.ts';
import { hashPassword } from '../auth/password.ts';
import { demoDepartments, demoPeople } from './organisation.ts';

export type SeedResult = {
	password: string;
	generated: boolean;
	accounts: { email: string; name: string; roles: string[] }[];
};

export async function isEmptyOrganisation(db: Database | Transaction<DB>): Promise<boolean> {
	const row = await db
		.selectFrom('department')
		.select((eb) => eb.fn.countAll<number>().as('n'))
		.executeTakeFirstOrThrow();
	return Number(row.n) === 0;
}

/** Generates a memorable-enough random password (4 groups of 5 characters, ~100 bits). */
function randomPassword(): string {
	const alphabet = 'abcdefghjkmnpqrstuvwxyz23456789';
	const bytes = randomBytes(20);
	const chars = [...bytes].map((b) => alphabet[b % alphabet.length]);
	return [0, 5, 10, 15].map((i) => chars.slice(i, i + 5).join('')).join('-');
}

/**
 * Inserts the demo departments, people and roles, unless the organisation already has
 * departments (returns null then). Several instances starting at once seed it only once.
 */
export async function seedDemoOrganisation(
	db: Database,
	demoPassword?: string
): Promise<SeedResult | null> {
	const password = demoPassword ?? randomPassword();
	// One hash for every account: they share the password, and hashing 40 times would only add time.
	const passwordHash = await hashPassword(password);

	const seeded = await db.transaction().execute(async (trx) => {
		await sql`select pg_advisory_xact_lock(hashtext('commons.seed'))`.execute(trx);
		if (!(await isEmptyOrganisation(trx))) return false;
		const departmentIds = new Map<string, number>();
		for (const d of demoDepartments) {
			const row = await trx
				.insertInto('department')
				.values({
					slug: d.slug,
					name: d.name,
					description: d.description,
					visibility: d.visibility ?? 'organisation',
					parentId: d.parent ? departmentIds.get(d.parent)! : null
				})
				.returning('id')
				.executeTakeFirstOrThrow();
			departmentIds.set(d.slug, row.id);
		}

		const people = await trx
			.insertInto('users')
			.values(
				demoPeople.map((p) => ({
					email: p.email,
					name: p.name,
					title: p.title,
					departmentId: departmentIds.get(p.department)!,
					passwordHash
				}))
			)
			.returning(['id', 'email'])
			.execute();
		const userIds = new Map(people.map((p) => [p.email, p.id]));

		for (const p of demoPeople.filter((p) => p.manager)) {
			await trx
				.updateTable('users')
				.set({ managerId: userIds.get(p.manager!)! })
				.where('id', '=', userIds.get(p.email)!)
				.execute();
		}

		const assignments = demoPeople.flatMap((p) =>
			(p.roles ?? []).map((role) => ({
				userId: userIds.get(p.email)!,
				roleKey: role,
				departmentId: role === 'manager' ? departmentIds.get(p.department)! : null
			}))
		);
		await trx.insertInto('roleAssignment').values(assignments).execute();

		const byEmail = new Map(
			demoPeople.map((p) => [
				p.email,
				{ id: userIds.get(p.email)!, name: p.name, departmentId: departmentIds.get(p.department)! }
			])
		);
		const now = new Date();
		await seedDemoFeed(trx, byEmail, now);
		await seedDemoKnowledge(trx, byEmail, departmentIds, now);
		await seedDemoMemos(trx, byEmail, now);
		return true;
	});
	if (!seeded) return null;

	return {
		password,
		generated: demoPassword === undefined,
		accounts: demoPeople.map((p) => ({ email: p.email, name: p.name, roles: p.roles ?? [] }))
	};
}

/**
 * Empties every table the app owns (not the migration bookkeeping), for `npm run seed`.
 * The audit trail refuses TRUNCATE by trigger; a reset of the demo is the one deliberate
 * exception, done by the table owner with the trigger briefly disabled in one transaction.
 */
export async function truncateOrganisation(db: Database): Promise<void> {
	await db.transaction().execute(async (trx) => {
		const { rows } = await sql<{ tablename: string }>`
			select tablename from pg_tables
			where schemaname = 'public' and tablename not like 'kysely_migration%' and tablename <> 'role'
		`.execute(trx);
		if (rows.length === 0) return;
		const list = rows.map((r) => `"${r.tablename}"`).join(', ');
		await sql`alter table audit_event disable trigger audit_event_no_truncate`.execute(trx);
		await sql.raw(`truncate ${list} restart identity cascade`).execute(trx);
		await sql`alter table audit_event enable trigger audit_event_no_truncate`.execute(trx);
	});
}

/** The block printed on first start and by `npm run seed`. */
export function describeSeed(result: SeedResult, origin: string): string {
	const admin = result.accounts.find((a) => a.roles.includes('admin'));
	const comms = result.accounts.find((a) => a.roles.includes('communications'));
	const manager = result.accounts.find((a) => a.roles.includes('manager'));
	const staff = result.accounts.find((a) => a.roles.length === 0);
	const lines = [
		'',
		'  Commons demo organisation created.',
		`  Open ${origin} and sign in with any demo account:`,
		'',
		`    administrator   ${admin?.email}`,
		`    communications  ${comms?.email}`,
		`    manager         ${manager?.email}`,
		`    staff           ${staff?.email}`,
		`    (and ${result.accounts.length - 4} more: see the People page)`,
		'',
		`  Password for every demo account: ${result.password}`,
		result.generated
			? '  (random, shown only now; set DEMO_PASSWORD to choose it, or run `npm run seed` to reset)'
			: '  (from DEMO_PASSWORD)',
		''
	];
	return lines.join('\n');
}
