/**
 * Threads and their messages for the large organisation, in set-based statements on a seeded
 * connection (see `onSeededConnection` in bench/seed-feed.ts):
 *
 * - one thread per 200 messages; threads 1–3 are organisation-wide ("General", "IT help desk",
 *   "Social club"), 15% of the rest too, the others belong to a bench department chosen with
 *   the departments' 1/k skew;
 * - each message goes to thread k with probability in proportion to 1/k, so a few threads are
 *   very busy (the first holds about 7.5% of all messages) and most have a handful;
 * - messages are spread over two years in id order, interleaved across threads as in a real
 *   table; the per-thread sequence numbers follow that order; authors are members of the
 *   thread's department (anyone for organisation-wide threads);
 * - 75% of messages are one sentence, 22% two to four, 3% long (six to fifteen sentences in
 *   paragraphs); 2% edited;
 * - every author takes part in the thread (read up to their last message).
 */
import { sql } from 'kysely';
import type { Database } from '../../src/lib/server/db/index.ts';
import { memberArrays, r } from './sql.ts';
import { sentences, SENTENCE_POOL } from './text.ts';

export const MESSAGES_PER_THREAD = 200;

export function threadCount(messages: number): number {
	return Math.max(3, Math.round(messages / MESSAGES_PER_THREAD));
}

/** Inserts the threads; returns the id offset they start after (thread t has id base + t). */
export async function seedThreads(conn: Database, messages: number): Promise<number> {
	const threads = threadCount(messages);
	const { rows } = await sql<{ id: number }>`
		select coalesce(max(id), 0)::bigint as id from thread
	`.execute(conn);
	const base = Number(rows[0]!.id);
	await sql`
		with ${memberArrays}
		insert into thread (id, title, department_id, created_by, created_at)
		overriding system value
		select ${base}::bigint + t,
			case t when 1 then 'General' when 2 then 'IT help desk' when 3 then 'Social club'
				else initcap(w1.word) || ' ' || w2.word || ' ' || t end,
			case when x.k = 0 then null else a.dept_ids[x.k] end,
			case when x.k = 0 then a.members[1 + floor(${r('t', 102)} * a.n_people)::int]
				else a.members[a.firsts[x.k] + floor(${r('t', 102)} * a.counts[x.k])::int] end,
			now() - interval '730 days'
		from generate_series(1, ${threads}) t
		cross join a
		cross join lateral (
			select case when t <= 3 or ${r('t', 101)} < 0.15 then 0
				else pg_temp.bench_zipf(${r('t', 103)}, a.n_depts) end as k
		) x
		join bench_word w1 on w1.n = 1 + floor(${r('t', 104)} * 600)::int
		join bench_word w2 on w2.n = 1 + floor(${r('t', 105)} * 600)::int
		order by t
	`.execute(conn);
	await sql`select setval(pg_get_serial_sequence('thread', 'id'), (select max(id) from thread))`.execute(
		conn
	);
	return base;
}

/** Inserts `messages` messages into the threads above `base`, then their counters and participants. */
export async function seedMessages(conn: Database, base: number, messages: number): Promise<void> {
	const threads = threadCount(messages);
	// The per-thread sequence is a window over every message: give the sort room.
	await sql`set work_mem = '256MB'`.execute(conn);
	try {
		await sql`
			with ${memberArrays},
			th as (
				select array_agg(coalesce(d.k, 0) order by t.id) as ks
				from thread t left join d on d.id = t.department_id
				where t.id > ${base}
			),
			-- Materialised, and before the window: a sort must carry plain numbers, not the
			-- arrays of the CTEs above (carrying them spilled tens of gigabytes).
			x as materialized (
				select g, pg_temp.bench_zipf(${r('g', 111)}, ${threads}) as t,
					${r('g', 113)} as len_u,
					floor(${r('g', 114)} * ${SENTENCE_POOL})::int as lo
				from generate_series(1, ${messages}::int) g
			),
			xk as materialized (
				select x.g, x.t, th.ks[x.t] as k, x.len_u, x.lo from x cross join th
			),
			y as (
				select g, t, k,
					row_number() over (partition by t order by g) as seq,
					case when len_u < 0.75 then 1 when len_u < 0.97 then 2 + floor(len_u * 1000)::int % 3
						else 6 + floor(len_u * 10000)::int % 10 end as n_sentences,
					lo
				from xk
			)
			insert into thread_message (thread_id, seq, author_id, client_key, body_source, body_html,
				created_at, edited_at)
			select ${base}::bigint + y.t, y.seq,
				case when y.k = 0 then a.members[1 + floor(${r('y.g', 112)} * a.n_people)::int]
					else a.members[a.firsts[y.k] + floor(${r('y.g', 112)} * a.counts[y.k])::int] end,
				'seed-message-' || y.g,
				b.body,
				'<p>' || replace(b.body, E'\n\n', E'</p>\n<p>') || '</p>',
				now() - interval '730 days' + (y.g - 1 + ${r('y.g', 115)}) / ${messages}::float8 * interval '730 days',
				case when ${r('y.g', 116)} < 0.02
					then now() - interval '730 days' + y.g::float8 / ${messages} * interval '730 days' + interval '5 minutes' end
			from y cross join a
			cross join lateral (
				select case when y.n_sentences < 6 then ${sentences(sql`y.lo`, sql`y.n_sentences`, ' ')}
					else ${sentences(sql`y.lo`, sql`y.n_sentences`, '\n\n')} end as body
			) b
		`.execute(conn);
	} finally {
		await sql`reset work_mem`.execute(conn);
	}
	await sql`
		update thread t set last_seq = s.n, last_message_at = s.last,
			created_at = s.first - interval '1 hour'
		from (
			select thread_id, max(seq) as n, max(created_at) as last, min(created_at) as first
			from thread_message where thread_id > ${base} group by thread_id
		) s
		where t.id = s.thread_id
	`.execute(conn);
	await sql`
		insert into thread_participant (thread_id, user_id, last_read_seq, joined_at)
		select thread_id, author_id, max(seq), min(created_at)
		from thread_message where thread_id > ${base}
		group by thread_id, author_id
		on conflict do nothing
	`.execute(conn);
}
