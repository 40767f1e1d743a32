/**
 * Reading feeds: the home feed, a department's feed, a person's posts and single posts, as
 * PostView objects. Each page costs a fixed number of queries, however many posts it shows.
 */
import { z } from 'zod';
import type { RequestContext } from '../context.ts';
import { db } from '../db/index.ts';
import { NotFoundError } from '../errors.ts';
import { toAttachmentView } from '../files/attachment.repository.ts';
import type { Actor } from '../org/actor.ts';
import {
	getDepartment,
	getDepartmentBySlug,
	listDepartmentNeighbours,
	listDepartmentRefs,
	listDepartmentRefsCached
} from '../org/department.repository.ts';
import { decodeCursor, encodeCursor } from '../pagination.ts';
import type { FeedPage, PostView } from '../../shared/feeds.ts';
import { REACTION_KINDS, type ReactionKind } from '../../shared/schemas/feeds.ts';
import {
	listAuthorFeedKeys,
	listFeedPage,
	type FeedKey,
	type FeedPostRow,
	type HomeFeedSources
} from './feed.repository.ts';
import { countDepartmentFollowers, listFollowedDepartmentIds } from './follow.repository.ts';
import { listActivePeople } from '../org/person.repository.ts';
import {
	canDeletePost,
	canEditPost,
	canPinPost,
	canPostTo,
	canViewPostHistory
} from './post.policy.ts';
import { listPostDetails, type PostDetailsRow } from './post.repository.ts';
import { getVisiblePost, hiddenDepartmentsOf, requireActor } from './post.service.ts';

export const FEED_PAGE_SIZE = 20;
/** Announcements stay on top of the home feed for a week. */
const ANNOUNCEMENT_DAYS = 7;

const feedCursor = z.tuple([z.iso.datetime(), z.number().int().positive()]);

function decodeFeedCursor(cursor: string | null | undefined): FeedKey | undefined {
	const key = decodeCursor(cursor, feedCursor);
	return key ? { createdAt: new Date(key[0]), id: key[1] } : undefined;
}

function toPostView(actor: Actor, p: PostDetailsRow): PostView {
	return {
		id: p.id,
		author: { id: p.authorId, name: p.authorName, title: p.authorTitle },
		department:
			p.departmentId === null
				? null
				: { id: p.departmentId, name: p.departmentName ?? '', slug: p.departmentSlug ?? '' },
		bodyHtml: p.bodyHtml,
		bodySource: canEditPost(actor, p) ? p.bodySource : null,
		isAnnouncement: p.isAnnouncement,
		pinned: p.pinnedAt !== null,
		createdAt: p.createdAt.toISOString(),
		editedAt: p.editedAt?.toISOString() ?? null,
		commentCount: p.commentCount,
		reactions: p.reactionCounts
			.map((r) => ({ kind: r.kind as ReactionKind, count: r.count, mine: r.mine }))
			.sort((a, b) => REACTION_KINDS.indexOf(a.kind) - REACTION_KINDS.indexOf(b.kind)),
		attachments: p.attachmentList.map(toAttachmentView),
		can: {
			edit: canEditPost(actor, p),
			delete: canDeletePost(actor, p),
			pin: canPinPost(actor, p),
			viewHistory: canViewPostHistory(actor, p) && p.editedAt !== null
		}
	};
}

/** Turns post ids into views, in one query. */
export async function loadPostViews(actor: Actor, ids: number[]): Promise<PostView[]> {
	if (!ids.length) return [];
	const details = await listPostDetails(db(), ids, actor.id);
	return details.map((p) => toPostView(actor, p));
}

/**
 * A page of a feed, top and stream, in one query. The stream is read one post past the page
 * to know whether there is a next one.
 */
async function feedPage(
	actor: Actor,
	sources: HomeFeedSources,
	cursor: FeedKey | undefined
): Promise<FeedPage> {
	const rows: FeedPostRow[] = await listFeedPage(db(), {
		viewerId: actor.id,
		sources,
		cursor,
		limit: FEED_PAGE_SIZE + 1,
		withTop: !cursor
	});
	const top: PostView[] = [];
	const posts: PostView[] = [];
	let more = false;
	let last: PostDetailsRow | undefined;
	for (const row of rows) {
		if (row.part === 'top') top.push(toPostView(actor, row));
		else if (posts.length === FEED_PAGE_SIZE) more = true;
		else {
			posts.push(toPostView(actor, row));
			last = row;
		}
	}
	return {
		top,
		posts,
		nextCursor: more && last ? encodeCursor([last.createdAt.toISOString(), last.id]) : null
	};
}

export type HomeFeedFilter = { department?: number | 'organisation' };

/**
 * The home feed: the viewer's department, the departments and people they follow, and the
 * organisation-wide feed, newest first, with pinned posts and current announcements on top of the
 * first page. `filter.department` narrows it to one department (which need not be followed) or to
 * the organisation-wide feed.
 */
export async function getHomeFeed(
	ctx: RequestContext,
	input: HomeFeedFilter & { cursor?: string | null }
): Promise<FeedPage> {
	const actor = requireActor(ctx);
	const hidden = await hiddenDepartmentsOf(actor);
	const shared = { hiddenDepartmentIds: hidden, announcementDays: ANNOUNCEMENT_DAYS };
	let sources: HomeFeedSources;
	if (input.department === 'organisation') {
		sources = { ...shared, departmentIds: [], includeOrganisation: true };
	} else if (input.department !== undefined) {
		sources = {
			...shared,
			departmentIds: hidden.includes(input.department) ? [] : [input.department],
			includeOrganisation: false
		};
	} else {
		// Their own department, and (read in the same query) the departments and people they follow.
		sources = {
			...shared,
			departmentIds: [actor.departmentId],
			includeOrganisation: true,
			followedBy: actor.id
		};
	}
	return feedPage(actor, sources, decodeFeedCursor(input.cursor));
}

/** A department's own feed, pinned posts on top. NotFoundError for a department hidden to the viewer. */
export async function getDepartmentFeed(
	ctx: RequestContext,
	departmentId: number,
	cursor?: string | null
): Promise<FeedPage> {
	const actor = requireActor(ctx);
	if ((await hiddenDepartmentsOf(actor)).includes(departmentId))
		throw new NotFoundError('That department does not exist.');
	return feedPage(
		actor,
		{
			departmentIds: [departmentId],
			includeOrganisation: false,
			hiddenDepartmentIds: [],
			announcementDays: ANNOUNCEMENT_DAYS
		},
		decodeFeedCursor(cursor)
	);
}

/** A person's recent posts as the viewer may see them (profile pages). */
export async function listRecentPostsBy(
	ctx: RequestContext,
	authorId: number,
	limit = 5
): Promise<PostView[]> {
	const actor = requireActor(ctx);
	const keys = await listAuthorFeedKeys(db(), authorId, await hiddenDepartmentsOf(actor), limit);
	return loadPostViews(
		actor,
		keys.map((k) => k.id)
	);
}

/** One post as a page shows it. NotFoundError when missing, deleted or hidden. */
export async function getPostView(ctx: RequestContext, postId: number): Promise<PostView> {
	const post = await getVisiblePost(ctx, postId);
	if (post.deletedAt) throw new NotFoundError('That post has been deleted.');
	const [view] = await loadPostViews(ctx.actor!, [postId]);
	return view!;
}

/** The department a slug names, if the viewer may see it. */
export async function getVisibleDepartmentBySlug(ctx: RequestContext, slug: string) {
	const actor = requireActor(ctx);
	const department = await getDepartmentBySlug(db(), slug);
	if (!department || (await hiddenDepartmentsOf(actor)).includes(department.id))
		throw new NotFoundError('That department does not exist.');
	return department;
}

/** The department an id names, if the viewer may see it (NotFoundError otherwise). */
export async function getVisibleDepartment(ctx: RequestContext, departmentId: number) {
	const actor = requireActor(ctx);
	const department = await getDepartment(db(), departmentId);
	if (!department || (await hiddenDepartmentsOf(actor)).includes(department.id))
		throw new NotFoundError('That department does not exist.');
	return department;
}

export type PostAudience = { value: string; label: string };

/**
 * Where the actor may post, for the composer: their department first, then the organisation
 * (if allowed), then the other departments they may post in, alphabetical.
 */
export async function listPostAudiences(ctx: RequestContext): Promise<PostAudience[]> {
	const actor = requireActor(ctx);
	const [departments, hidden] = await Promise.all([
		listDepartmentRefs(db()),
		hiddenDepartmentsOf(actor)
	]);
	const own = departments.find((d) => d.id === actor.departmentId);
	const others = departments
		.filter((d) => d.id !== actor.departmentId && !hidden.includes(d.id))
		.filter((d) => canPostTo(actor, d.id))
		.sort((a, b) => a.name.localeCompare(b.name));
	return [
		...(own ? [{ value: String(own.id), label: `${own.name} (your department)` }] : []),
		...(canPostTo(actor, null) ? [{ value: 'organisation', label: 'Whole organisation' }] : []),
		...others.map((d) => ({ value: String(d.id), label: d.name }))
	];
}

/**
 * What a department's page shows besides its feed: the department, its parent and
 * sub-departments the viewer may see, its first members, and whether the viewer follows it.
 * NotFoundError for a department hidden from the viewer.
 */
export async function getDepartmentOverview(ctx: RequestContext, slug: string) {
	const actor = requireActor(ctx);
	const department = await getVisibleDepartmentBySlug(ctx, slug);
	const [departments, hidden, followed, members, followers] = await Promise.all([
		listDepartmentNeighbours(db(), department),
		hiddenDepartmentsOf(actor),
		listFollowedDepartmentIds(db(), actor.id),
		listActivePeople(db(), { limit: 51, departmentId: department.id }),
		countDepartmentFollowers(db(), department.id)
	]);
	const visible = departments.filter((d) => !hidden.includes(d.id));
	return {
		department: {
			id: department.id,
			slug: department.slug,
			name: department.name,
			description: department.description,
			visibility: department.visibility
		},
		parent: visible.find((d) => d.id === department.parentId) ?? null,
		children: visible
			.filter((d) => d.parentId === department.id)
			.map((d) => ({ id: d.id, slug: d.slug, name: d.name, memberCount: Number(d.memberCount) })),
		members: members.slice(0, 50),
		moreMembers: members.length > 50,
		followerCount: followers,
		following: followed.includes(department.id),
		isOwnDepartment: department.id === actor.departmentId,
		canPost: canPostTo(actor, department.id)
	};
}

/**
 * What the feed page needs besides the feed and the filter's menu, from the remembered list of
 * departments: where the actor may post, and the department `filter` names if they may see it.
 */
export async function getFeedPageOptions(ctx: RequestContext, filter: number | null = null) {
	const actor = requireActor(ctx);
	const departments = await listDepartmentRefsCached(db());
	const own = departments.find((d) => d.id === actor.departmentId);
	const audiences: PostAudience[] = [
		...(own ? [{ value: String(own.id), label: `${own.name} (your department)` }] : []),
		...(canPostTo(actor, null) ? [{ value: 'organisation', label: 'Whole organisation' }] : []),
		...departments
			.filter(
				(d) =>
					d.id !== actor.departmentId &&
					!actor.hiddenDepartmentIds.includes(d.id) &&
					canPostTo(actor, d.id)
			)
			.map((d) => ({ value: String(d.id), label: d.name }))
	];
	const filtered =
		filter === null || actor.hiddenDepartmentIds.includes(filter)
			? undefined
			: departments.find((d) => d.id === filter);
	return {
		audiences,
		filteredDepartment: filtered
			? { id: filtered.id, name: filtered.name, slug: filtered.slug }
			: null
	};
}
