/**
 * Knowledge pages for the large organisation: `count` pages over the organisation's space (6%)
 * and the bench departments' spaces (in proportion to 1/k, like their people), each space a tree
 * six pages wide at every level (so 10,000 pages are five levels deep), written in a handful of
 * set-based statements on a seeded connection.
 *
 * Bodies come from 64 templates rendered once by the app's own page renderer (headings with
 * their anchors and table of contents, paragraphs of the sentence pool): from one short section
 * to ten long ones. Every page below the top level ends with "See also [[its parent]]", stored
 * as the renderer and the link table would have it. 15% of pages have two to six revisions, 30%
 * a review date (a fifth of those overdue, their owners already told), 10% are verified.
 */
import { sql } from 'kysely';
import type { Database } from '../../src/lib/server/db/index.ts';
import { renderPageMarkdown } from '../../src/lib/server/markdown/render.ts';
import { insertPageReviewNotices } from '../../src/lib/server/notifications/notification.repository.ts';
import { ORGANISATION_SPACE } from '../../src/lib/shared/schemas/knowledge.ts';
import { random } from '../lib/search-load.ts';
import { memberArrays, r } from './sql.ts';
import { makeSentences, TITLE_WORDS } from './text.ts';

export const TEMPLATES = 64;
const WIDTH = 6;
const ORGANISATION_SHARE = 0.06;

/** Page bodies of one to ten sections, rendered as the app renders pages. */
export function pageTemplates(seed: number) {
	const pool = makeSentences(seed);
	const next = random(seed * 6_151 + 3);
	const headings = ['Purpose', 'Scope', 'Before you start', 'Steps', 'Who to ask', 'Exceptions'];
	return Array.from({ length: TEMPLATES }, (_, t) => {
		const sections = 1 + Math.floor(next() ** 2 * 10);
		const parts: string[] = [];
		for (let s = 0; s < sections; s++) {
			parts.push(`# ${headings[s % headings.length]}${s >= headings.length ? ` ${s}` : ''}`);
			const paragraphs = 1 + Math.floor(next() * (t % 4 === 0 ? 6 : 3));
			for (let p = 0; p < paragraphs; p++) {
				const from = Math.floor(next() * pool.length);
				const n = 2 + Math.floor(next() * 5);
				parts.push(
					Array.from({ length: n }, (_, j) => pool[(from + j * 97) % pool.length]).join(' ')
				);
			}
		}
		const source = parts.join('\n\n');
		const rendered = renderPageMarkdown(source, new Map());
		return { source, html: rendered.html, toc: JSON.stringify(rendered.toc) };
	});
}

/** Pages per space: the organisation first (k = 0), then bench department k in proportion to 1/k. */
export function pagesPerSpace(count: number, departments: number): number[] {
	const organisation = Math.round(count * ORGANISATION_SHARE);
	const rest = count - organisation;
	const weights = Array.from({ length: departments }, (_, i) => 1 / (i + 1));
	const total = weights.reduce((a, b) => a + b, 0);
	const counts = weights.map((w) => Math.floor((rest * w) / total));
	let left = rest - counts.reduce((a, b) => a + b, 0);
	for (let i = 0; left > 0; i = (i + 1) % departments, left--) counts[i]!++;
	return [organisation, ...counts];
}

export async function seedPages(conn: Database, count: number, seed: number): Promise<void> {
	const { rows: dept } = await sql<{ n: number }>`
		select count(*)::int as n from department where slug like 'bench-%'
	`.execute(conn);
	const perSpace = pagesPerSpace(count, dept[0]!.n);
	const offsets: number[] = [];
	perSpace.reduce((offset, n) => (offsets.push(offset), offset + n), 0);
	const { rows } = await sql<{ id: number }>`
		select coalesce(max(id), 0)::bigint as id from kb_page
	`.execute(conn);
	const base = Number(rows[0]!.id);
	const templates = pageTemplates(seed);

	await sql`drop table if exists pg_temp.bench_template, pg_temp.bench_page`.execute(conn);
	await sql`create temp table bench_template (n int primary key, source text, html text, toc jsonb)`.execute(
		conn
	);
	await sql`
		insert into bench_template
		select n, s, h, t::jsonb from unnest(${templates.map((t) => t.source)}::text[],
			${templates.map((t) => t.html)}::text[], ${templates.map((t) => t.toc)}::text[])
			with ordinality as u(s, h, t, n)
	`.execute(conn);
	// The tree first: ids, parents, titles and slugs, then every path from its ancestors.
	await sql`
		create temp table bench_page as
		with ${memberArrays},
		sp as (
			select k::int - 1 as k, n, off from unnest(${perSpace}::int[], ${offsets}::int[])
				with ordinality as u(n, off, k)
			where n > 0
		)
		select ${base}::bigint + sp.off + i as id, sp.k, i,
			case when sp.k = 0 then null else a.dept_ids[sp.k] end as department_id,
			case when i <= ${WIDTH} then null
				else ${base}::bigint + sp.off + (i - 1) / ${WIDTH} end as parent_id,
			w1.word || '-' || w2.word || '-' || i as slug,
			initcap(w1.word) || ' ' || w2.word || ' ' || i as title,
			case when sp.k = 0 then a.members[1 + floor(${r('(sp.off + i)', 121)} * a.n_people)::int]
				else a.members[a.firsts[sp.k] + floor(${r('(sp.off + i)', 121)} * a.counts[sp.k])::int]
				end as owner_id,
			case when sp.k = 0 then a.members[1 + floor(${r('(sp.off + i)', 122)} * a.n_people)::int]
				else a.members[a.firsts[sp.k] + floor(${r('(sp.off + i)', 122)} * a.counts[sp.k])::int]
				end as editor_id,
			1 + floor(${r('(sp.off + i)', 123)} * ${TEMPLATES})::int as template,
			case when ${r('(sp.off + i)', 124)} < 0.15
				then 2 + floor(${r('(sp.off + i)', 125)} * 5)::int else 1 end as revision,
			now() - interval '3 years' * (0.1 + 0.9 * ${r('(sp.off + i)', 126)}) as created_at,
			${r('(sp.off + i)', 127)} as u_updated,
			${r('(sp.off + i)', 128)} as u_review,
			null::text as path
		from sp cross join a cross join lateral generate_series(1, sp.n) i
		join bench_word w1 on w1.n = 1 + floor(${r('(sp.off + i)', 129)} * ${TITLE_WORDS})::int
		join bench_word w2 on w2.n = 1 + floor(${r('(sp.off + i)', 130)} * ${TITLE_WORDS})::int
	`.execute(conn);
	await sql`create index on bench_page (parent_id)`.execute(conn);
	await sql`
		with recursive p as (
			select id, slug as path from bench_page where parent_id is null
			union all
			select c.id, p.path || '/' || c.slug from bench_page c join p on c.parent_id = p.id
		)
		update bench_page b set path = p.path from p where b.id = p.id
	`.execute(conn);
	await sql`
		insert into kb_page (id, department_id, parent_id, slug, path, title, body_source, body_html,
			toc, revision, owner_id, review_by, verified_until, verified_by, created_by, created_at,
			updated_by, updated_at)
		overriding system value
		select b.id, b.department_id, b.parent_id, b.slug, b.path, b.title,
			t.source || coalesce(E'\n\nSee also [[' || parent.title || ']].', ''),
			t.html || coalesce(E'\n<p>See also <a href="/kb/' || coalesce(d.slug, ${ORGANISATION_SPACE})
				|| '/' || parent.path || '" class="wiki-link">' || parent.title || '</a>.</p>', ''),
			t.toc, b.revision, b.owner_id,
			case when b.u_review < 0.06 then (now() - interval '60 days' * b.u_updated)::date
				when b.u_review < 0.3 then (now() + interval '365 days' * b.u_updated)::date end,
			case when b.u_review > 0.9 then (now() + interval '180 days')::date end,
			case when b.u_review > 0.9 then b.owner_id end,
			b.owner_id, b.created_at, b.editor_id,
			b.created_at + (now() - b.created_at) * b.u_updated
		from bench_page b
		join bench_template t on t.n = b.template
		left join bench_page parent on parent.id = b.parent_id
		left join department d on d.id = b.department_id
		order by b.id
	`.execute(conn);
	await sql`select setval(pg_get_serial_sequence('kb_page', 'id'), (select max(id) from kb_page))`.execute(
		conn
	);
	// Earlier revisions hold the same text: what the history page reads is the rows, not the diff.
	await sql`
		insert into kb_page_revision (page_id, number, title, body_source, body_html, summary,
			author_id, created_at)
		select p.id, n, p.title, p.body_source, p.body_html,
			case when n = 1 then 'First version' else 'Updated' end,
			case when n = 1 then p.created_by else p.updated_by end,
			p.created_at + (p.updated_at - p.created_at) * (n - 1) / greatest(1, p.revision - 1)
		from kb_page p cross join lateral generate_series(1, p.revision) n
		where p.id > ${base}
		order by p.id, n
	`.execute(conn);
	await sql`
		insert into kb_page_link (from_page_id, target_title, to_page_id)
		select b.id, lower(parent.title), parent.id
		from bench_page b join bench_page parent on parent.id = b.parent_id
	`.execute(conn);
	await sql`drop table bench_page, bench_template`.execute(conn);
	// Owners of overdue pages were told when their review date came (the hourly job's own SQL).
	await insertPageReviewNotices(conn, new Date().toISOString().slice(0, 10), new Date());
	await sql`
		update notification set dispatched_at = created_at, read_at = created_at + interval '2 days'
		where kind = 'page.review' and dispatched_at is null and hashint8(id) % 3 <> 0
	`.execute(conn);
	await sql`update notification set dispatched_at = created_at where dispatched_at is null`.execute(
		conn
	);
}
