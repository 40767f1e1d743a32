/**
 * SQL shared by the large-organisation steps: the bench departments and their members as arrays,
 * so "a member of department k" is an array lookup, not a join per row (as in seed-feed.ts).
 */
import { sql } from 'kysely';

/**
 * CTEs `d` (bench departments numbered k = 1… by id), `m` (their bench members) and `a`, one row
 * with `dept_ids[k]`, `members` (grouped by department), `firsts[k]` and `counts[k]` (where
 * department k's members start in `members` and how many there are), `n_depts` and `n_people`.
 * A member of department k: `members[firsts[k] + floor(u * counts[k])]`; anyone:
 * `members[1 + floor(u * n_people)]`. Every bench department has at least one member.
 */
export const memberArrays = sql`
	d as (
		select row_number() over (order by id)::int as k, id from department where slug like 'bench-%'
	),
	m as (
		select d.k, u.id, row_number() over (order by d.k, u.id) as pos
		from users u join d on d.id = u.department_id
		where u.email like 'bench-person-%'
	),
	s as (select k, min(pos)::int as first, count(*)::int as n from m group by k),
	a as (
		select (select array_agg(id order by k) from d) as dept_ids,
			(select array_agg(id order by pos) from m) as members,
			(select array_agg(first order by k) from s) as firsts,
			(select array_agg(n order by k) from s) as counts,
			(select count(*) from d)::int as n_depts,
			(select count(*) from m)::int as n_people
	)`;

/** `u` in [0, 1) for the row expression `i` and purpose `k` (the seeded connection's function). */
export const r = (i: string, k: number) => sql.raw(`pg_temp.bench_r(${i}, ${k})`);
