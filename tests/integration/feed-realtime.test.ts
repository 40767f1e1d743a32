/**
 * Live feed announcements over real sockets: the server puts each socket in the rooms of the
 * feeds its person reads, follows take effect on open sockets at once, and a post in a
 * members-only department reaches its members only.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, describe, expect, it } from 'vitest';
import { setDepartmentFollow, setPersonFollow } from '../../src/lib/server/feeds/follow.service.ts';
import { createPost } from '../../src/lib/server/feeds/post.service.ts';
import { updateDepartment } from '../../src/lib/server/org/departments.service.ts';
import { updatePerson } from '../../src/lib/server/org/people.service.ts';
import { attachRealtime } from '../../src/lib/server/realtime/attach.ts';
import { registerRealtimeHandlers } from '../../src/lib/server/realtime/handlers.ts';
import { contextFor, grantRole, newDepartment, newUser } from '../factories.ts';
import { createTestDatabase } from './database.ts';
import { sessionTokenFor } from './sessions.ts';

const { db } = await createTestDatabase();
const server = http.createServer();
const io = attachRealtime(server);
registerRealtimeHandlers();
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const sockets: Socket[] = [];

afterAll(async () => {
	for (const s of sockets) s.close();
	await io.close();
});

type FeedEvent = { postId: number; departmentId: number | null; authorId: number };

/** A connected socket of the person, recording every feed:post it receives. */
async function listen(userId: number): Promise<{ socket: Socket; events: FeedEvent[] }> {
	const token = await sessionTokenFor(db, userId);
	const socket = connect(url, {
		path: '/realtime',
		transports: ['websocket'],
		forceNew: true,
		reconnection: false,
		extraHeaders: { cookie: `commons_session=${token}` }
	});
	sockets.push(socket);
	const events: FeedEvent[] = [];
	socket.on('feed:post', (event: FeedEvent) => events.push(event));
	await new Promise<void>((resolve, reject) => {
		socket.once('connect', resolve);
		socket.once('connect_error', reject);
	});
	// A round trip proves the server has processed the connection (and its rooms).
	await socket.timeout(5000).emitWithAck('ping');
	return { socket, events };
}

/** Waits until `probe` holds, or fails after a few seconds. */
async function eventually(probe: () => boolean, what: string): Promise<void> {
	for (let i = 0; i < 100; i++) {
		if (probe()) return;
		await new Promise((resolve) => setTimeout(resolve, 30));
	}
	throw new Error(`timed out waiting for ${what}`);
}

/** Lets in-flight events arrive before asserting that something did not. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

const agency = await newDepartment(db, { slug: 'rt-agency' });
const roads = await newDepartment(db, { slug: 'rt-roads', parentId: agency.id });
const parks = await newDepartment(db, { slug: 'rt-parks', parentId: agency.id });
const inquiries = await newDepartment(db, {
	slug: 'rt-inquiries',
	parentId: agency.id,
	visibility: 'members-only'
});
const roadWorker = await newUser(db, { departmentId: roads.id });
const parkKeeper = await newUser(db, { departmentId: parks.id });
const fellowInvestigator = await newUser(db, { departmentId: inquiries.id });
const comms = await newUser(db, { departmentId: agency.id });
await grantRole(db, comms.id, 'communications');
const admin = await newUser(db, { departmentId: agency.id });
await grantRole(db, admin.id, 'admin');

const post = async (author: { id: number }, audience: number | 'organisation', body: string) =>
	createPost(await contextFor(db, author.id), {
		body,
		audience,
		announcement: false,
		attachmentIds: []
	});

describe('live feed announcements', () => {
	it('reach a follower as soon as they follow, and stop when they unfollow', async () => {
		const keeper = await listen(parkKeeper.id);
		const first = await post(roadWorker, roads.id, 'Before the follow');
		await settle();
		expect(keeper.events.map((e) => e.postId)).not.toContain(first.id);

		await setDepartmentFollow(await contextFor(db, parkKeeper.id), roads.id, true);
		const second = await post(roadWorker, roads.id, 'After the follow');
		await eventually(() => keeper.events.some((e) => e.postId === second.id), 'the new post');
		expect(keeper.events.find((e) => e.postId === second.id)).toEqual({
			postId: second.id,
			departmentId: roads.id,
			authorId: roadWorker.id
		});

		await setDepartmentFollow(await contextFor(db, parkKeeper.id), roads.id, false);
		const third = await post(roadWorker, roads.id, 'After the unfollow');
		await settle();
		expect(keeper.events.map((e) => e.postId)).not.toContain(third.id);
	});

	it('reach a new socket of someone who already follows, and everyone for organisation-wide posts', async () => {
		await setDepartmentFollow(await contextFor(db, parkKeeper.id), roads.id, true);
		const keeper = await listen(parkKeeper.id);
		const worker = await listen(roadWorker.id);
		const roadsPost = await post(roadWorker, roads.id, 'Road closed');
		await eventually(() => keeper.events.some((e) => e.postId === roadsPost.id), 'roads post');
		const everyone = await post(comms, 'organisation', 'All-staff meeting at noon');
		await eventually(
			() =>
				keeper.events.some((e) => e.postId === everyone.id) &&
				worker.events.some((e) => e.postId === everyone.id),
			'the organisation-wide post'
		);
		// One event per post per socket, even when a socket is in several matching rooms.
		expect(keeper.events.filter((e) => e.postId === roadsPost.id)).toHaveLength(1);
	});

	it('reach a socket with a department’s feed open while it is open, and only one that may see it', async () => {
		const reader = await newUser(db, { departmentId: agency.id });
		const watcher = await listen(reader.id);
		expect(
			await watcher.socket.timeout(5000).emitWithAck('feed:watch-department', {
				departmentId: parks.id
			})
		).toEqual({ ok: true, data: { departmentId: parks.id } });
		const open = await post(parkKeeper, parks.id, 'Tree planting on Saturday');
		await eventually(() => watcher.events.some((e) => e.postId === open.id), 'the watched post');

		watcher.socket.emit('feed:unwatch-department', { departmentId: parks.id });
		await watcher.socket.timeout(5000).emitWithAck('ping');
		const later = await post(parkKeeper, parks.id, 'After the page was closed');
		await settle();
		expect(watcher.events.map((e) => e.postId)).not.toContain(later.id);

		// A members-only department is refused to an outsider, as if it did not exist.
		const refused = await watcher.socket.timeout(5000).emitWithAck('feed:watch-department', {
			departmentId: inquiries.id
		});
		expect(refused).toMatchObject({ ok: false, error: { code: 'not_found' } });
		const secret = await post(fellowInvestigator, inquiries.id, 'Still confidential');
		await settle();
		expect(watcher.events.map((e) => e.postId)).not.toContain(secret.id);
	});

	it('keep a members-only department’s posts to its members, even from a followed author', async () => {
		// Followed while in an open department; then joins Inquiries and posts there.
		const mover = await newUser(db, { departmentId: parks.id });
		await setPersonFollow(await contextFor(db, parkKeeper.id), mover.id, true);
		await db
			.updateTable('users')
			.set({ departmentId: inquiries.id })
			.where('id', '=', mover.id)
			.execute();
		const outsider = await listen(parkKeeper.id);
		const member = await listen(fellowInvestigator.id);
		const secret = await post(mover, inquiries.id, 'Confidential findings');
		await eventually(() => member.events.some((e) => e.postId === secret.id), 'the member');
		await settle();
		expect(outsider.events.map((e) => e.postId)).not.toContain(secret.id);

		// A followed author's post in an open department does reach the follower.
		await setPersonFollow(await contextFor(db, parkKeeper.id), roadWorker.id, true);
		await setDepartmentFollow(await contextFor(db, parkKeeper.id), roads.id, false);
		const open = await post(roadWorker, roads.id, 'Open news from a followed colleague');
		await eventually(() => outsider.events.some((e) => e.postId === open.id), 'the open post');
	});

	it('reach someone moved into a members-only department on the page they already have open', async () => {
		const newcomer = await newUser(db, { departmentId: roads.id });
		const page = await listen(newcomer.id);
		const before = await post(fellowInvestigator, inquiries.id, 'Before the move');
		await settle();
		expect(page.events.map((e) => e.postId)).not.toContain(before.id);

		await updatePerson(await contextFor(db, admin.id), newcomer.id, {
			email: newcomer.email,
			name: newcomer.name,
			title: '',
			departmentId: inquiries.id,
			managerId: null,
			bio: ''
		});
		const after = await post(fellowInvestigator, inquiries.id, 'Welcome to the unit');
		await eventually(() => page.events.some((e) => e.postId === after.id), 'the new department');
		// The department they left, which they do not follow, no longer counts as new posts.
		const left = await post(roadWorker, roads.id, 'News from the old team');
		await settle();
		expect(page.events.map((e) => e.postId)).not.toContain(left.id);
	});

	it('reach a follower again, without a reload, when a department made members-only opens up', async () => {
		const desk = await newDepartment(db, { slug: 'rt-desk', name: 'Desk', parentId: agency.id });
		const clerk = await newUser(db, { departmentId: desk.id });
		await setDepartmentFollow(await contextFor(db, parkKeeper.id), desk.id, true);
		const follower = await listen(parkKeeper.id);
		const setVisibility = async (visibility: 'members-only' | 'organisation') =>
			updateDepartment(await contextFor(db, admin.id), desk.id, {
				name: 'Desk',
				slug: 'rt-desk',
				description: '',
				parentId: agency.id,
				visibility
			});

		await setVisibility('members-only');
		const closed = await post(clerk, desk.id, 'While members-only');
		await settle();
		expect(follower.events.map((e) => e.postId)).not.toContain(closed.id);

		await setVisibility('organisation');
		const reopened = await post(clerk, desk.id, 'Open again');
		await eventually(
			() => follower.events.some((e) => e.postId === reopened.id),
			'the reopened desk'
		);
	});
});
