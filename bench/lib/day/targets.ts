/**
 * What the simulated people open, read from the seeded database before the ramp: who they are,
 * the threads, pages, posts and departments everyone may see (busiest first, so a skewed pick
 * sends most people to the busy ones), the memos each of them still owes, and words to search.
 */
import { sql } from 'kysely';
import type { Database } from '../../../src/lib/server/db/index.ts';
import { vocabulary } from '../../seed-search.ts';

export type SimulatedPerson = { id: number; email: string; departmentId: number; name: string };
export type PendingMemo = { id: number; version: number };

export type DayTargets = {
	people: SimulatedPerson[];
	/** Thread ids, busiest first. */
	threads: number[];
	/** `/kb/<space>/<path>` of pages, largest spaces first. */
	pages: string[];
	/** Recent post ids. */
	posts: number[];
	/** Department slugs, largest first. */
	departments: string[];
	pendingMemos: Map<number, PendingMemo[]>;
	/** Search words: everyday ones first, then rarer ones. */
	words: string[];
};

/** Departments no one is kept out of: not members-only, nor under one. */
const OPEN_DEPARTMENTS = sql`
	with recursive hidden as (
		select id from department where visibility = 'members-only'
		union select d.id from department d join hidden h on d.parent_id = h.id
	), open as (select id, slug from department where id not in (select id from hidden))`;

export async function loadTargets(db: Database, people: number): Promise<DayTargets> {
	// A fixed pseudo-random order of the bench people (the hash of their id), so the first N
	// simulated people are spread over departments of every size.
	const { rows: persons } = await sql<SimulatedPerson>`
		select id, email, department_id, name from users
		where email like 'bench-person-%' and status = 'active' and password_hash is not null
		order by hashint8(id), id limit ${people}
	`.execute(db);
	if (persons.length < people)
		throw new Error(
			`the database has ${persons.length} bench people who can sign in; the ramp needs ${people}`
		);
	const { rows: threads } = await sql<{ id: number }>`
		${OPEN_DEPARTMENTS}
		select t.id from thread t
		where t.subject_type is null and (t.department_id is null or t.department_id in (select id from open))
		order by t.last_seq desc, t.id limit 2000
	`.execute(db);
	const { rows: pages } = await sql<{ href: string }>`
		${OPEN_DEPARTMENTS},
		sized as (
			select p.department_id, count(*) as n from kb_page p where p.deleted_at is null
			group by p.department_id
		)
		select '/kb/' || coalesce(o.slug, 'organisation') || '/' || p.path as href
		from kb_page p left join open o on o.id = p.department_id
		join sized s on s.department_id is not distinct from p.department_id
		where p.deleted_at is null and (p.department_id is null or o.id is not null)
		order by s.n desc, hashint8(p.id) limit 5000
	`.execute(db);
	const { rows: posts } = await sql<{ id: number }>`
		${OPEN_DEPARTMENTS}
		select p.id from post p
		where p.deleted_at is null and (p.department_id is null or p.department_id in (select id from open))
		order by p.created_at desc limit 2000
	`.execute(db);
	const { rows: departments } = await sql<{ slug: string }>`
		${OPEN_DEPARTMENTS}
		select o.slug from open o join users u on u.department_id = o.id
		group by o.slug order by count(*) desc, o.slug limit 300
	`.execute(db);
	const { rows: pending } = await sql<{ userId: number; memoId: number; version: number }>`
		select r.user_id, r.memo_id, m.current_version as version
		from memo_recipient r join memo m on m.id = r.memo_id
		where r.state = 'pending' and m.status = 'published'
			and r.user_id = any(${persons.map((p) => p.id)}::bigint[])
		order by r.user_id, r.due_on, r.memo_id
	`.execute(db);
	const pendingMemos = new Map<number, PendingMemo[]>();
	for (const row of pending) {
		const list = pendingMemos.get(Number(row.userId)) ?? [];
		list.push({ id: Number(row.memoId), version: Number(row.version) });
		pendingMemos.set(Number(row.userId), list);
	}
	return {
		people: persons.map((p) => ({ ...p, id: Number(p.id), departmentId: Number(p.departmentId) })),
		threads: threads.map((t) => Number(t.id)),
		pages: pages.map((p) => p.href),
		posts: posts.map((p) => Number(p.id)),
		departments: departments.map((d) => d.slug),
		pendingMemos,
		words: vocabulary().slice(0, 3000)
	};
}
