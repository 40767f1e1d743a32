/**
 * The feed queries. Each source of a feed (a department, the organisation, a followed person)
 * is read through its own index, newest first, at most `limit` rows past the cursor, and the
 * sources are merged: a person following 20 departments costs 20 short index scans, however many
 * posts the organisation has. Visibility is applied inside the query, before the limit.
 */
import { sql, type RawBuilder } from 'kysely';
import type { Database } from '../db/index.ts';

export type FeedKey = { createdAt: Date; id: number };

export type HomeFeedSources = {
	departmentIds: number[];
	personIds: number[];
	includeOrganisation: boolean;
	hiddenDepartmentIds: number[];
	/** Announcements newer than this sit on top, so the stream leaves them out. */
	announcementsSince: Date;
};

function after(cursor: FeedKey | undefined): RawBuilder<unknown> {
	return cursor ? sql`and (p.created_at, p.id) < (${cursor.createdAt}, ${cursor.id})` : sql``;
}

function homeFeedQuery(sources: HomeFeedSources, cursor: FeedKey | undefined, limit: number) {
	const parts: RawBuilder<unknown>[] = [];
	if (sources.departmentIds.length)
		parts.push(sql`
			select x.id, x.created_at from unnest(${sources.departmentIds}::bigint[]) as d(id)
			cross join lateral (
				select p.id, p.created_at from post p
				where p.department_id = d.id and p.deleted_at is null and p.pinned_at is null
					${after(cursor)}
				order by p.created_at desc, p.id desc limit ${limit}
			) x`);
	if (sources.includeOrganisation)
		parts.push(sql`
			select * from (
				select p.id, p.created_at from post p
				where p.department_id is null and p.deleted_at is null
					and not (p.is_announcement and p.created_at > ${sources.announcementsSince})
					${after(cursor)}
				order by p.created_at desc, p.id desc limit ${limit}
			) o`);
	if (sources.personIds.length)
		parts.push(sql`
			select x.id, x.created_at from unnest(${sources.personIds}::bigint[]) as f(id)
			cross join lateral (
				select p.id, p.created_at from post p
				where p.author_id = f.id and p.deleted_at is null
					and (p.department_id is null
						or not p.department_id = any(${sources.hiddenDepartmentIds}::bigint[]))
					${after(cursor)}
				order by p.created_at desc, p.id desc limit ${limit}
			) x`);
	if (!parts.length) return null;
	return sql<FeedKey>`
		select id, created_at from (${sql.join(parts, sql` union `)}) merged
		order by created_at desc, id desc
		limit ${limit}
	`;
}

/** One page of the home feed's stream: ids and sort keys, newest first. */
export async function listHomeFeedKeys(
	db: Database,
	sources: HomeFeedSources,
	cursor: FeedKey | undefined,
	limit: number
): Promise<FeedKey[]> {
	const query = homeFeedQuery(sources, cursor, limit);
	if (!query) return [];
	const { rows } = await query.execute(db);
	return rows.map((r) => ({ createdAt: r.createdAt, id: Number(r.id) }));
}

/** The plan PostgreSQL chooses for the home feed (the benchmark prints it). */
export async function explainHomeFeed(
	db: Database,
	sources: HomeFeedSources,
	limit: number
): Promise<string[]> {
	const query = homeFeedQuery(sources, undefined, limit);
	if (!query) return [];
	const { rows } = await sql<{
		'QUERY PLAN': string;
	}>`explain (analyze, buffers, costs off) ${query}`.execute(db);
	return rows.map((r) => Object.values(r)[0] as string);
}

/** One page of a single department's feed (pinned posts are shown above it, not in it). */
export async function listDepartmentFeedKeys(
	db: Database,
	departmentId: number,
	cursor: FeedKey | undefined,
	limit: number
): Promise<FeedKey[]> {
	const { rows } = await sql<FeedKey>`
		select p.id, p.created_at from post p
		where p.department_id = ${departmentId} and p.deleted_at is null and p.pinned_at is null
			${after(cursor)}
		order by p.created_at desc, p.id desc
		limit ${limit}
	`.execute(db);
	return rows.map((r) => ({ createdAt: r.createdAt, id: Number(r.id) }));
}

/** A person's own recent posts, as those who may see them see them (profile pages). */
export async function listAuthorFeedKeys(
	db: Database,
	authorId: number,
	hiddenDepartmentIds: number[],
	limit: number
): Promise<FeedKey[]> {
	const { rows } = await sql<FeedKey>`
		select p.id, p.created_at from post p
		where p.author_id = ${authorId} and p.deleted_at is null
			and (p.department_id is null
				or not p.department_id = any(${hiddenDepartmentIds}::bigint[]))
		order by p.created_at desc, p.id desc
		limit ${limit}
	`.execute(db);
	return rows.map((r) => ({ createdAt: r.createdAt, id: Number(r.id) }));
}

/** Pinned posts of these departments and current announcements: the top of a feed. */
export async function listTopPostIds(
	db: Database,
	input: { departmentIds: number[]; includeAnnouncements: boolean; announcementsSince: Date }
): Promise<number[]> {
	const { rows } = await sql<{ id: number }>`
		select id from (
			select p.id, p.pinned_at as at from post p
			where p.department_id = any(${input.departmentIds}::bigint[])
				and p.pinned_at is not null and p.deleted_at is null
			union all
			select p.id, p.created_at as at from post p
			where ${input.includeAnnouncements} and p.department_id is null and p.is_announcement
				and p.deleted_at is null and p.created_at > ${input.announcementsSince}
		) top
		order by at desc, id desc
		limit 20
	`.execute(db);
	return rows.map((r) => Number(r.id));
}
