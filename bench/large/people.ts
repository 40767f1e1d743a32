/**
 * What the large organisation adds to the feed seeder's people: a password everyone can sign in
 * with (hashed once, the same hash on every row, as the demo seed does), a manager for every
 * bench department (its first member, with the `manager` role there) and everyone's line
 * manager: their department's manager, or for a manager the manager of the parent department.
 */
import { sql } from 'kysely';
import { hashPassword } from '../../src/lib/server/auth/password.ts';
import type { Database } from '../../src/lib/server/db/index.ts';

export const BENCH_PERSON_PATTERN = 'bench-person-%';

/** The sign-in address of bench person `i` (1-based), as bench/seed-feed.ts writes them. */
export const benchPersonEmail = (i: number) => `bench-person-${i}@bench.commons.test`;

/** One Argon2id hash of `password` on every bench person. Returns how many rows it set. */
export async function setPasswords(db: Database, password: string): Promise<number> {
	const hash = await hashPassword(password);
	const result = await sql`
		update users set password_hash = ${hash} where email like ${BENCH_PERSON_PATTERN}
	`.execute(db);
	return Number(result.numAffectedRows ?? 0);
}

/** Managers of the bench departments and everyone's line manager. Returns the managers' count. */
export async function appointManagers(db: Database): Promise<number> {
	const result = await sql`
		insert into role_assignment (user_id, role_key, department_id)
		select distinct on (u.department_id) u.id, 'manager', u.department_id
		from users u join department d on d.id = u.department_id
		where d.slug like 'bench-%' and u.email like ${BENCH_PERSON_PATTERN}
		order by u.department_id, u.id
		on conflict do nothing
	`.execute(db);
	await sql`
		with head as (
			select r.department_id, r.user_id from role_assignment r
			join department d on d.id = r.department_id
			where r.role_key = 'manager' and d.slug like 'bench-%'
		)
		update users u set manager_id = coalesce(
			case when own.user_id = u.id then parent_head.user_id else own.user_id end, u.manager_id)
		from department d
		join head own on own.department_id = d.id
		left join head parent_head on parent_head.department_id = d.parent_id
		where d.id = u.department_id and u.email like ${BENCH_PERSON_PATTERN}
	`.execute(db);
	return Number(result.numAffectedRows ?? 0);
}
