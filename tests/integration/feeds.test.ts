/**
 * Feeds against a real database: who may post where, what each person sees (members-only
 * departments never leak), feed order and pagination across equal timestamps, pinned posts and
 * announcements, mentions stored as notification rows, edit history, comments and reactions.
 */
import { describe, expect, it } from 'vitest';
import type { RequestContext } from '../../src/lib/server/context.ts';
import {
	ConflictError,
	ForbiddenError,
	NotFoundError,
	ValidationError
} from '../../src/lib/server/errors.ts';
import {
	addComment,
	deleteComment,
	listComments
} from '../../src/lib/server/feeds/comment.service.ts';
import { feedRoomsFor } from '../../src/lib/server/feeds/feed-events.ts';
import {
	getDepartmentFeed,
	getDepartmentOverview,
	getHomeFeed,
	getPostView,
	listPostAudiences,
	listRecentPostsBy
} from '../../src/lib/server/feeds/feed.service.ts';
import { setDepartmentFollow, setPersonFollow } from '../../src/lib/server/feeds/follow.service.ts';
import {
	createPost,
	deletePost,
	editPost,
	listPostHistory,
	setPinned,
	setReaction,
	toggleReaction
} from '../../src/lib/server/feeds/post.service.ts';
import type { FeedPage } from '../../src/lib/shared/feeds.ts';
import { contextFor, grantRole, newDepartment, newPost, newUser } from '../factories.ts';
import { createTestDatabase } from './database.ts';

const { db } = await createTestDatabase();

// agency
// ├── works
// │   └── roads            (roads is inside works)
// ├── parks
// └── legal
//     └── inquiries        (members-only)
const agency = await newDepartment(db, { slug: 'agency', name: 'Agency' });
const works = await newDepartment(db, { slug: 'works', name: 'Works', parentId: agency.id });
const roads = await newDepartment(db, { slug: 'roads', name: 'Roads', parentId: works.id });
const parks = await newDepartment(db, { slug: 'parks', name: 'Parks', parentId: agency.id });
const legal = await newDepartment(db, { slug: 'legal', name: 'Legal', parentId: agency.id });
const inquiries = await newDepartment(db, {
	slug: 'inquiries',
	name: 'Inquiries',
	parentId: legal.id,
	visibility: 'members-only'
});

const roadWorker = await newUser(db, { departmentId: roads.id, name: 'Rita Roads' });
const parkKeeper = await newUser(db, { departmentId: parks.id, name: 'Pat Parks' });
const investigator = await newUser(db, { departmentId: inquiries.id, name: 'Ivan Inquiries' });
const lawyer = await newUser(db, { departmentId: legal.id, name: 'Lena Legal' });
const worksManager = await newUser(db, { departmentId: works.id, name: 'Mia Manager' });
await grantRole(db, worksManager.id, 'manager', works.id);
const comms = await newUser(db, { departmentId: agency.id, name: 'Cora Comms' });
await grantRole(db, comms.id, 'communications');
const admin = await newUser(db, { departmentId: agency.id, name: 'Ada Admin' });
await grantRole(db, admin.id, 'admin');

const as = (user: { id: number }): Promise<RequestContext> => contextFor(db, user.id);

async function allPages(ctx: RequestContext, read: (cursor?: string) => Promise<FeedPage>) {
	const ids: number[] = [];
	let cursor: string | undefined;
	for (let i = 0; i < 100; i++) {
		const page = await read(cursor);
		ids.push(...page.posts.map((p) => p.id));
		if (!page.nextCursor) return ids;
		cursor = page.nextCursor;
	}
	throw new Error(`endless pagination for ${ctx.actor?.name}`);
}

const mention = (user: { id: number; name: string }) => `[@${user.name}](/people/${user.id})`;

async function notificationsOf(userId: number) {
	return db
		.selectFrom('notification')
		.where('recipientId', '=', userId)
		.selectAll()
		.orderBy('id')
		.execute();
}

describe('who may post where', () => {
	it('lets members post in their department and refuses other departments', async () => {
		const post = await createPost(await as(roadWorker), {
			body: 'Potholes on Elm Street are fixed.',
			audience: roads.id,
			announcement: false,
			attachmentIds: []
		});
		expect(post).toMatchObject({ departmentId: roads.id, authorId: roadWorker.id });
		await expect(
			createPost(await as(roadWorker), {
				body: 'Into the parks feed',
				audience: parks.id,
				announcement: false,
				attachmentIds: []
			})
		).rejects.toBeInstanceOf(ForbiddenError);
	});

	it('lets managers post in the departments they manage, sub-departments included', async () => {
		const post = await createPost(await as(worksManager), {
			body: 'Roads team: new rota.',
			audience: roads.id,
			announcement: false,
			attachmentIds: []
		});
		expect(post.departmentId).toBe(roads.id);
	});

	it('keeps the organisation-wide feed and announcements for communications and admins', async () => {
		const input = {
			body: 'Office closed on Friday.',
			audience: 'organisation' as const,
			announcement: true,
			attachmentIds: []
		};
		await expect(createPost(await as(parkKeeper), input)).rejects.toBeInstanceOf(ForbiddenError);
		const post = await createPost(await as(comms), input);
		expect(post).toMatchObject({ departmentId: null, isAnnouncement: true });
		await expect(
			createPost(await as(admin), { ...input, audience: parks.id })
		).rejects.toBeInstanceOf(ValidationError);
	});

	it('treats a members-only department as unknown to outsiders, and says so as a field error', async () => {
		const error = await createPost(await as(admin), {
			body: 'Peeking in',
			audience: inquiries.id,
			announcement: false,
			attachmentIds: []
		}).catch((e) => e);
		expect(error).toBeInstanceOf(ValidationError);
		expect(error.fields).toHaveProperty('audience');
	});

	it('offers the composer only the audiences the person may use, their own first', async () => {
		const staff = await listPostAudiences(await as(roadWorker));
		expect(staff.map((a) => a.value)).toEqual([String(roads.id)]);
		const manager = await listPostAudiences(await as(worksManager));
		expect(manager.map((a) => a.value)).toEqual([String(works.id), String(roads.id)]);
		const communications = await listPostAudiences(await as(comms));
		expect(communications.map((a) => a.value)).toEqual([String(agency.id), 'organisation']);
		const everywhere = await listPostAudiences(await as(admin));
		expect(everywhere.map((a) => a.value)).not.toContain(String(inquiries.id));
	});
});

describe('members-only departments', () => {
	const secret = 'The inquiry into the depot contract';
	let secretPostId: number;

	it('are visible to their members', async () => {
		const post = await createPost(await as(investigator), {
			body: `${secret}, with ${mention(lawyer)} and ${mention(parkKeeper)}.`,
			audience: inquiries.id,
			announcement: false,
			attachmentIds: []
		});
		secretPostId = post.id;
		const feed = await getHomeFeed(await as(investigator), {});
		expect(feed.posts.map((p) => p.id)).toContain(post.id);
		expect((await getPostView(await as(investigator), post.id)).bodyHtml).toContain(secret);
	});

	it('never leak through the home feed, a followed author, the post, its comments or a profile', async () => {
		// Someone followed while in an open department, who then joins Inquiries and posts there.
		const mover = await newUser(db, { departmentId: parks.id, name: 'Max Mover' });
		for (const outsider of [lawyer, parkKeeper, admin])
			await setPersonFollow(await as(outsider), mover.id, true);
		await db
			.updateTable('users')
			.set({ departmentId: inquiries.id })
			.where('id', '=', mover.id)
			.execute();
		const moverPost = await createPost(await as(mover), {
			body: 'Inquiry notes',
			audience: inquiries.id,
			announcement: false,
			attachmentIds: []
		});
		expect((await getHomeFeed(await as(investigator), {})).posts.map((p) => p.id)).toContain(
			moverPost.id
		);
		for (const outsider of [lawyer, parkKeeper, admin]) {
			const ctx = await as(outsider);
			await expect(setPersonFollow(ctx, investigator.id, true)).rejects.toBeInstanceOf(
				NotFoundError
			);
			const feed = await getHomeFeed(ctx, {});
			const seen = [...feed.top, ...feed.posts].map((p) => p.id);
			expect(seen).not.toContain(secretPostId);
			expect(seen).not.toContain(moverPost.id);
			expect((await listRecentPostsBy(ctx, mover.id)).map((p) => p.id)).not.toContain(moverPost.id);
			expect((await getHomeFeed(ctx, { department: inquiries.id })).posts).toEqual([]);
			await expect(getDepartmentFeed(ctx, inquiries.id)).rejects.toBeInstanceOf(NotFoundError);
			await expect(getDepartmentOverview(ctx, 'inquiries')).rejects.toBeInstanceOf(NotFoundError);
			await expect(getPostView(ctx, secretPostId)).rejects.toBeInstanceOf(NotFoundError);
			await expect(listComments(ctx, secretPostId)).rejects.toBeInstanceOf(NotFoundError);
			await expect(
				addComment(ctx, secretPostId, { body: 'Can I see this?' })
			).rejects.toBeInstanceOf(NotFoundError);
			await expect(toggleReaction(ctx, secretPostId, 'like')).rejects.toBeInstanceOf(NotFoundError);
			await expect(setDepartmentFollow(ctx, inquiries.id, true)).rejects.toBeInstanceOf(
				NotFoundError
			);
			expect((await listRecentPostsBy(ctx, investigator.id)).map((p) => p.id)).not.toContain(
				secretPostId
			);
			expect(await feedRoomsFor(ctx.actor!)).not.toContain(`feed:department:${inquiries.id}`);
		}
	});

	it('do not tell outsiders they were mentioned in something they cannot open', async () => {
		// Neither the lawyer (parent department) nor the park keeper is a member of Inquiries.
		for (const outsider of [lawyer, parkKeeper]) {
			const rows = await notificationsOf(outsider.id);
			expect(rows.filter((n) => n.subjectId === secretPostId)).toEqual([]);
		}
	});
});

describe('the home feed', () => {
	it('pages through equal timestamps without losing or repeating a post, newest first', async () => {
		const dept = await newDepartment(db, { parentId: agency.id });
		const followed = await newDepartment(db, { parentId: agency.id });
		const elsewhere = await newDepartment(db, { parentId: agency.id });
		const reader = await newUser(db, { departmentId: dept.id });
		const colleague = await newUser(db, { departmentId: elsewhere.id });
		const ctx = await as(reader);
		await setDepartmentFollow(ctx, followed.id, true);
		await setPersonFollow(ctx, colleague.id, true);

		// Far in the future, so nothing else in this file comes first: 3 instants, 15 posts each.
		const instants = [0, 1, 2].map((i) => new Date(Date.UTC(2100, 0, 1, 12, 0, i)));
		const expected: { id: number; at: number }[] = [];
		for (const at of instants) {
			for (let i = 0; i < 15; i++) {
				const source = i % 3;
				const post = await newPost(db, {
					authorId: source === 2 ? colleague.id : reader.id,
					departmentId: source === 0 ? dept.id : source === 1 ? followed.id : elsewhere.id,
					createdAt: at
				});
				expected.push({ id: post.id, at: at.getTime() });
			}
		}
		// Noise that must not appear: a department neither followed nor the reader's own.
		const stranger = await newUser(db, { departmentId: elsewhere.id });
		const noise = await newPost(db, {
			authorId: stranger.id,
			departmentId: elsewhere.id,
			createdAt: instants[1]
		});

		const ids = await allPages(ctx, (cursor) => getHomeFeed(ctx, { cursor }));
		const ours = ids.filter((id) => expected.some((e) => e.id === id));
		expected.sort((a, b) => b.at - a.at || b.id - a.id);
		expect(ours).toEqual(expected.map((e) => e.id));
		expect(new Set(ids).size).toBe(ids.length);
		expect(ids).not.toContain(noise.id);
		// Newest first overall.
		expect(ids.slice(0, 45)).toEqual(expected.map((e) => e.id));
	});

	it('narrows to one department or to organisation-wide posts', async () => {
		const ctx = await as(parkKeeper);
		const onlyRoads = await getHomeFeed(ctx, { department: roads.id });
		expect(onlyRoads.posts.length).toBeGreaterThan(0);
		expect(onlyRoads.posts.every((p) => p.department?.id === roads.id)).toBe(true);
		const organisation = await getHomeFeed(ctx, { department: 'organisation' });
		expect([...organisation.top, ...organisation.posts].every((p) => p.department === null)).toBe(
			true
		);
	});

	it('puts pinned posts and current announcements on top, once', async () => {
		const ctx = await as(roadWorker);
		const pinnedPost = await createPost(ctx, {
			body: 'Read me first: the roads safety briefing.',
			audience: roads.id,
			announcement: false,
			attachmentIds: []
		});
		await expect(setPinned(ctx, pinnedPost.id, true)).rejects.toBeInstanceOf(ForbiddenError);
		await setPinned(await as(worksManager), pinnedPost.id, true);
		const feed = await getHomeFeed(ctx, {});
		const topIds = feed.top.map((p) => p.id);
		expect(topIds).toContain(pinnedPost.id);
		expect(feed.top.find((p) => p.id === pinnedPost.id)?.pinned).toBe(true);
		expect(feed.top.some((p) => p.isAnnouncement)).toBe(true);
		const streamIds = await allPages(ctx, (cursor) => getHomeFeed(ctx, { cursor }));
		for (const id of topIds) expect(streamIds).not.toContain(id);

		const departmentFeed = await getDepartmentFeed(ctx, roads.id);
		expect(departmentFeed.top.map((p) => p.id)).toEqual([pinnedPost.id]);
		expect(departmentFeed.posts.map((p) => p.id)).not.toContain(pinnedPost.id);
	});

	it('shows a followed person’s pinned post and current announcement once, on top', async () => {
		const reader = await newUser(db, { departmentId: parks.id, name: 'Fern Follower' });
		const ctx = await as(reader);
		await setDepartmentFollow(ctx, roads.id, true);
		await setPersonFollow(ctx, comms.id, true);
		await setPersonFollow(ctx, roadWorker.id, true);
		const announcement = await newPost(db, { authorId: comms.id, isAnnouncement: true });
		const pinned = await createPost(await as(roadWorker), {
			body: 'Pinned by the manager.',
			audience: roads.id,
			announcement: false,
			attachmentIds: []
		});
		await setPinned(await as(worksManager), pinned.id, true);
		const feed = await getHomeFeed(ctx, {});
		expect(feed.top.map((p) => p.id)).toEqual(expect.arrayContaining([announcement.id, pinned.id]));
		const streamIds = await allPages(ctx, (cursor) => getHomeFeed(ctx, { cursor }));
		expect(streamIds).not.toContain(announcement.id);
		expect(streamIds).not.toContain(pinned.id);
	});

	it('keeps an announcement on top for a week, then in the stream', async () => {
		const ctx = await as(roadWorker);
		const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000);
		const current = await newPost(db, {
			authorId: comms.id,
			isAnnouncement: true,
			createdAt: daysAgo(6.9)
		});
		const past = await newPost(db, {
			authorId: comms.id,
			isAnnouncement: true,
			createdAt: daysAgo(7.1)
		});
		const feed = await getHomeFeed(ctx, {});
		const streamIds = await allPages(ctx, (cursor) => getHomeFeed(ctx, { cursor }));
		expect(feed.top.map((p) => p.id)).toContain(current.id);
		expect(streamIds).not.toContain(current.id);
		expect(feed.top.map((p) => p.id)).not.toContain(past.id);
		expect(streamIds).toContain(past.id);
	});
});

describe('mentions', () => {
	it('store one notification per person mentioned, not the author, not twice after an edit', async () => {
		const ctx = await as(parkKeeper);
		const post = await createPost(ctx, {
			body: `Thanks ${mention(roadWorker)} and ${mention(roadWorker)} and me ${mention(parkKeeper)}`,
			audience: parks.id,
			announcement: false,
			attachmentIds: []
		});
		const forRita = (await notificationsOf(roadWorker.id)).filter((n) => n.subjectId === post.id);
		expect(forRita).toHaveLength(1);
		expect(forRita[0]).toMatchObject({
			kind: 'mention',
			subjectType: 'post',
			actorId: parkKeeper.id
		});
		expect(forRita[0]!.context).toMatchObject({ postId: post.id });
		expect((await notificationsOf(parkKeeper.id)).filter((n) => n.subjectId === post.id)).toEqual(
			[]
		);

		await editPost(ctx, post.id, {
			body: `Thanks ${mention(roadWorker)}, and ${mention(comms)} too`
		});
		expect(
			(await notificationsOf(roadWorker.id)).filter((n) => n.subjectId === post.id)
		).toHaveLength(1);
		expect((await notificationsOf(comms.id)).filter((n) => n.subjectId === post.id)).toHaveLength(
			1
		);
	});

	it('in comments notify the mentioned, and replies notify the post and comment authors', async () => {
		const post = await createPost(await as(parkKeeper), {
			body: 'Who has the key to the shed?',
			audience: parks.id,
			announcement: false,
			attachmentIds: []
		});
		const question = await addComment(await as(roadWorker), post.id, {
			body: `Maybe ${mention(comms)} knows`
		});
		const answer = await addComment(await as(comms), post.id, {
			body: 'It is at reception.',
			parentId: question.id
		});
		const kinds = async (userId: number, commentId: number) =>
			(await notificationsOf(userId)).filter((n) => n.subjectId === commentId).map((n) => n.kind);
		expect(await kinds(comms.id, question.id)).toEqual(['mention']);
		expect(await kinds(parkKeeper.id, question.id)).toEqual(['reply']);
		expect(await kinds(roadWorker.id, answer.id)).toEqual(['reply']);
		expect(await kinds(parkKeeper.id, answer.id)).toEqual(['reply']);
		expect(await kinds(comms.id, answer.id)).toEqual([]);

		// A deleted comment, then the post: their notifications stop quoting them.
		await deleteComment(await as(roadWorker), question.id);
		expect(await kinds(comms.id, question.id)).toEqual([]);
		expect(await kinds(roadWorker.id, answer.id)).toEqual(['reply']);
		await deletePost(await as(parkKeeper), post.id);
		expect(await kinds(roadWorker.id, answer.id)).toEqual([]);
		expect(await kinds(parkKeeper.id, answer.id)).toEqual([]);
	});
});

describe('editing and deleting', () => {
	it('keeps every earlier version, visible to the author, managers and admins only', async () => {
		const ctx = await as(roadWorker);
		const post = await createPost(ctx, {
			body: 'First version',
			audience: roads.id,
			announcement: false,
			attachmentIds: []
		});
		await editPost(ctx, post.id, { body: 'Second version' });
		await editPost(ctx, post.id, { body: 'Third version' });
		await expect(
			editPost(await as(worksManager), post.id, { body: 'Manager rewrite' })
		).rejects.toBeInstanceOf(ForbiddenError);

		for (const reader of [roadWorker, worksManager, admin]) {
			const { revisions } = await listPostHistory(await as(reader), post.id);
			expect(revisions.map((r) => r.bodyHtml)).toEqual([
				expect.stringContaining('Second version'),
				expect.stringContaining('First version')
			]);
		}
		await expect(listPostHistory(await as(parkKeeper), post.id)).rejects.toBeInstanceOf(
			ForbiddenError
		);
		const view = await getPostView(ctx, post.id);
		expect(view.bodyHtml).toContain('Third version');
		expect(view.editedAt).not.toBeNull();
		expect(view.bodySource).toBe('Third version');
		expect((await getPostView(await as(parkKeeper), post.id)).bodySource).toBeNull();
	});

	it('deletes softly, with an audit entry, and refuses comments and reactions afterwards', async () => {
		const ctx = await as(roadWorker);
		const post = await createPost(ctx, {
			body: 'To be removed',
			audience: roads.id,
			announcement: false,
			attachmentIds: []
		});
		await expect(deletePost(await as(parkKeeper), post.id)).rejects.toBeInstanceOf(ForbiddenError);
		await deletePost(await as(worksManager), post.id);
		const audit = await db
			.selectFrom('auditEvent')
			.where('action', '=', 'post.delete')
			.where('outcome', '=', 'success')
			.where('objectId', '=', String(post.id))
			.selectAll()
			.execute();
		expect(audit).toHaveLength(1);
		expect(audit[0]!.actorId).toBe(worksManager.id);
		await expect(getPostView(ctx, post.id)).rejects.toBeInstanceOf(NotFoundError);
		await expect(addComment(ctx, post.id, { body: 'Too late' })).rejects.toBeInstanceOf(
			ConflictError
		);
		await expect(toggleReaction(ctx, post.id, 'like')).rejects.toBeInstanceOf(ConflictError);
		await expect(editPost(ctx, post.id, { body: 'Undelete?' })).rejects.toBeInstanceOf(
			ConflictError
		);
		const feedIds = await allPages(ctx, (cursor) => getDepartmentFeed(ctx, roads.id, cursor));
		expect(feedIds).not.toContain(post.id);
	});
});

describe('comments and reactions', () => {
	it('allow one level of replies and leave a tombstone when deleted', async () => {
		const post = await createPost(await as(parkKeeper), {
			body: 'Picnic on Thursday?',
			audience: parks.id,
			announcement: false,
			attachmentIds: []
		});
		const top = await addComment(await as(roadWorker), post.id, { body: 'Yes!' });
		const reply = await addComment(await as(parkKeeper), post.id, {
			body: 'Great',
			parentId: top.id
		});
		await expect(
			addComment(await as(roadWorker), post.id, { body: 'Nested', parentId: reply.id })
		).rejects.toBeInstanceOf(ValidationError);
		await expect(deleteComment(await as(comms), top.id)).rejects.toBeInstanceOf(ForbiddenError);
		await deleteComment(await as(roadWorker), top.id);
		const comments = await listComments(await as(parkKeeper), post.id);
		expect(comments.map((c) => [c.id, c.parentId, c.deleted])).toEqual([
			[top.id, null, true],
			[reply.id, top.id, false]
		]);
		expect(comments[0]!.bodyHtml).toBe('');
		expect((await getPostView(await as(parkKeeper), post.id)).commentCount).toBe(1);
	});

	it('toggle, refuse a second identical reaction through the API path, and count who reacted', async () => {
		const post = await createPost(await as(parkKeeper), {
			body: 'New benches installed',
			audience: parks.id,
			announcement: false,
			attachmentIds: []
		});
		expect(await toggleReaction(await as(roadWorker), post.id, 'celebrate')).toBe(true);
		await setReaction(await as(comms), post.id, 'celebrate', true);
		await expect(setReaction(await as(comms), post.id, 'celebrate', true)).rejects.toBeInstanceOf(
			ConflictError
		);
		const view = await getPostView(await as(roadWorker), post.id);
		expect(view.reactions).toEqual([{ kind: 'celebrate', count: 2, mine: true }]);
		expect(await toggleReaction(await as(roadWorker), post.id, 'celebrate')).toBe(false);
		await expect(
			setReaction(await as(roadWorker), post.id, 'celebrate', false)
		).rejects.toBeInstanceOf(NotFoundError);
		expect((await getPostView(await as(comms), post.id)).reactions).toEqual([
			{ kind: 'celebrate', count: 1, mine: true }
		]);
	});
});

describe('a department page', () => {
	it('shows its parent and the sub-departments the viewer may see, with their members counted', async () => {
		const works = await getDepartmentOverview(await as(roadWorker), 'works');
		expect(works.parent).toMatchObject({ name: 'Agency' });
		expect(works.children).toEqual([
			{ id: roads.id, slug: 'roads', name: 'Roads', memberCount: expect.any(Number) }
		]);
		expect(works.children[0]!.memberCount).toBeGreaterThanOrEqual(1);
		// Legal's members-only sub-department is not there for an outsider, and is for its member.
		expect((await getDepartmentOverview(await as(roadWorker), 'legal')).children).toEqual([]);
		const insider = await getDepartmentOverview(await as(investigator), 'legal');
		expect(insider.children.map((c) => c.name)).toEqual(['Inquiries']);
		expect((await getDepartmentOverview(await as(roadWorker), 'agency')).parent).toBeNull();
	});
});
