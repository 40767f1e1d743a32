/**
 * The feed queries. Each source of a feed (a department, the organisation, a followed person)
 * is read through its own index, newest first, at most `limit` rows past the cursor, and the
 * sources are merged: a person following 20 departments costs 20 short index scans, however many
 * posts the organisation has. Visibility is applied inside the query, before the limit.
 */
import { sql, type RawBuilder } from 'kysely';
import type { Database } from '../db/index.ts';
import { prepared } from '../db/prepared.ts';
import { postDetailsFrom, type PostDetailsRow } from './post.repository.ts';

export type FeedKey = { createdAt: Date; id: number };

export type HomeFeedSources = {
	departmentIds: number[];
	includeOrganisation: boolean;
	hiddenDepartmentIds: number[];
	/**
	 * Announcements from the last this many days sit on top, so the stream leaves them out
	 * (counted by the database's clock, see `announcedSince`).
	 */
	announcementDays: number;
	/**
	 * Also the departments and people this person follows, read inside the same query (the home
	 * feed's page costs one round trip). Hidden departments are left out either way. The people
	 * a feed follows come only from here.
	 */
	followedBy?: number;
};

/*
 * The feed's page query is a prepared statement (db/prepared.ts) whose plan is kept once
 * PostgreSQL finds a generic plan as good as one made for the values. What a generic plan cannot
 * know is written into the text: the limits (the page size is fixed; a generic plan that does not
 * know a limit assumes it keeps a tenth of the rows) and the announcement window below.
 */

/**
 * When the announcements still on top begin. The database's clock, not a value sent with the
 * query: a generic plan cannot know how many announcements fall after a parameter (it guesses a
 * third of them, and with them a plan twice as dear that PostgreSQL never chooses), while it
 * estimates `now() - 7 days` as well as a plan made for the value.
 */
function announcedSince(sources: HomeFeedSources): RawBuilder<unknown> {
	return sql`(now() - make_interval(days => ${sql.lit(sources.announcementDays)}))`;
}

function after(cursor: FeedKey | undefined): RawBuilder<unknown> {
	return cursor ? sql`and (p.created_at, p.id) < (${cursor.createdAt}, ${cursor.id})` : sql``;
}

/** The departments of the stream, after the hidden ones are taken out. */
function departmentSource(sources: HomeFeedSources): RawBuilder<unknown> | null {
	const ids =
		sources.followedBy === undefined
			? sources.departmentIds.length
				? sql`${sources.departmentIds}::bigint[]`
				: null
			: sql`(${sources.departmentIds}::bigint[] || array(
					select department_id from department_follow where user_id = ${sources.followedBy}))`;
	if (!ids) return null;
	return sql`select distinct d.id from unnest(${ids}) as d(id)
		where not d.id = any(${sources.hiddenDepartmentIds}::bigint[])`;
}

function personSource(sources: HomeFeedSources): RawBuilder<unknown> | null {
	return sources.followedBy === undefined
		? null
		: sql`select followee_id as id from person_follow where follower_id = ${sources.followedBy}`;
}

/**
 * Leaves out posts of hidden departments; nothing when none is hidden, so that the people's
 * streams are read from the index alone.
 */
function notHidden(sources: HomeFeedSources): RawBuilder<unknown> {
	return sources.hiddenDepartmentIds.length
		? sql`and (p.department_id is null
				or not p.department_id = any(${sources.hiddenDepartmentIds}::bigint[]))`
		: sql``;
}

/**
 * Leaves out of a followed person's stream what the feed shows on top instead (as the
 * department and organisation streams do): their posts pinned in one of the feed's departments,
 * and their current announcements. Otherwise such a post showed twice, on top and in the stream.
 */
function notOnTop(sources: HomeFeedSources): RawBuilder<unknown> {
	return sql`and not (p.pinned_at is not null and p.department_id in (select id from dept))
		${
			sources.includeOrganisation
				? sql`and not (p.is_announcement and p.created_at > ${announcedSince(sources)})`
				: sql``
		}`;
}

/**
 * The stream as CTEs `dept` and `stream` (ids and sort keys, newest first, at most `limit`), or
 * null when the feed has no source.
 */
function homeFeedCtes(
	sources: HomeFeedSources,
	cursor: FeedKey | undefined,
	limit: number
): RawBuilder<unknown> | null {
	const departments = departmentSource(sources);
	const people = personSource(sources);
	const parts: RawBuilder<unknown>[] = [];
	if (departments)
		parts.push(sql`
			select x.id, x.created_at from dept
			cross join lateral (
				select p.id, p.created_at from post p
				where p.department_id = dept.id and p.deleted_at is null and p.pinned_at is null
					${after(cursor)}
				order by p.created_at desc, p.id desc limit ${sql.lit(limit)}
			) x`);
	if (sources.includeOrganisation)
		parts.push(sql`
			select * from (
				select p.id, p.created_at from post p
				where p.department_id is null and p.deleted_at is null
					and not (p.is_announcement and p.created_at > ${announcedSince(sources)})
					${after(cursor)}
				order by p.created_at desc, p.id desc limit ${sql.lit(limit)}
			) o`);
	if (people)
		parts.push(sql`
			select x.id, x.created_at from people
			cross join lateral (
				select p.id, p.created_at from post p
				where p.author_id = people.id and p.deleted_at is null ${notHidden(sources)}
					${notOnTop(sources)}
					${after(cursor)}
				order by p.created_at desc, p.id desc limit ${sql.lit(limit)}
			) x`);
	if (!parts.length) return null;
	return sql`
		dept as (${departments ?? sql`select null::bigint as id where false`}),
		people as (${people ?? sql`select null::bigint as id where false`}),
		stream as (
			select id, created_at from (${sql.join(parts, sql` union `)}) merged
			order by created_at desc, id desc
			limit ${sql.lit(limit)}
		)`;
}

/**
 * The plan PostgreSQL chooses for a first page of the home feed, as `listFeedPage` asks for it
 * (the benchmark prints it).
 */
export async function explainHomeFeed(
	db: Database,
	sources: HomeFeedSources,
	limit: number
): Promise<string[]> {
	const query = feedPageQuery({
		viewerId: sources.followedBy ?? 0,
		sources,
		cursor: undefined,
		limit,
		withTop: true
	});
	if (!query) return [];
	const { rows } = await sql<{
		'QUERY PLAN': string;
	}>`explain (analyze, buffers, costs off) ${query}`.execute(db);
	return rows.map((r) => Object.values(r)[0] as string);
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

/** How many posts sit on top of a feed at most. */
const TOP_LIMIT = 20;

export type FeedPostRow = PostDetailsRow & {
	/** 'top': pinned or a current announcement; 'stream': the page of the stream. */
	part: 'top' | 'stream';
};

type FeedPageInput = {
	viewerId: number;
	sources: HomeFeedSources;
	cursor: FeedKey | undefined;
	limit: number;
	withTop: boolean;
};

function feedPageQuery(input: FeedPageInput) {
	const { sources } = input;
	const ctes = homeFeedCtes(sources, input.cursor, input.limit);
	if (!ctes) return null;
	const top = input.withTop
		? sql`
			select id, 'top' as part, row_number() over (order by at desc, id desc) as n from (
				select p.id, p.pinned_at as at from post p join dept on p.department_id = dept.id
				where p.pinned_at is not null and p.deleted_at is null
				union all
				select p.id, p.created_at as at from post p
				where ${sources.includeOrganisation} and p.is_announcement and p.deleted_at is null
					and p.created_at > ${announcedSince(sources)}
				order by at desc, id desc
				limit ${sql.lit(TOP_LIMIT)}
			) t
			union all`
		: sql``;
	return sql<FeedPostRow & { n: number }>`${prepared}
		with ${ctes}, picked as (
			${top}
			select id, 'stream' as part, row_number() over (order by created_at desc, id desc) as n
			from stream
		)
		select picked.part, picked.n, ${postDetailsFrom(input.viewerId)}
		join picked on picked.id = post.id
		order by picked.part desc, picked.n
	`;
}

/**
 * One page of a feed in one query: the stream (at most `limit` posts past the cursor) and, with
 * `withTop`, the pinned posts of its departments and (with the organisation) the current
 * announcements, each in order, with everything a page shows of them (`postDetailsFrom`).
 */
export async function listFeedPage(db: Database, input: FeedPageInput): Promise<FeedPostRow[]> {
	const query = feedPageQuery(input);
	return query ? (await query.execute(db)).rows : [];
}
