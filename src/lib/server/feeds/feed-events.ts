/**
 * Feed rooms and events. The server places each socket in the rooms of the feeds its person
 * reads (the organisation, their department, departments and people they follow), and in a
 * department's watch room while its feed is open; a new post is announced, after commit, only to
 * the rooms of people who may see it.
 */
import { db } from '../db/index.ts';
import { listHiddenDepartmentIds } from '../org/department.repository.ts';
import type { Actor } from '../org/actor.ts';
import { userRoom } from '../realtime/publish.ts';
import { getRealtimeServer } from '../realtime/registry.ts';
import { listFollowedDepartmentIds, listFollowedPersonIds } from './follow.repository.ts';

export const ORGANISATION_FEED_ROOM = 'feed:organisation';
export const departmentFeedRoom = (id: number) => `feed:department:${id}`;
export const personFeedRoom = (id: number) => `feed:person:${id}`;
/**
 * Sockets with a department's feed open (see feed-socket.ts). A room of its own, so that leaving
 * the page never takes a socket out of a department its person belongs to or follows.
 */
export const departmentWatchRoom = (id: number) => `feed:watch:department:${id}`;

/** The feed rooms a person's sockets belong in. */
export async function feedRoomsFor(actor: Actor): Promise<string[]> {
	const [departments, people, hidden] = await Promise.all([
		listFollowedDepartmentIds(db(), actor.id),
		listFollowedPersonIds(db(), actor.id),
		listHiddenDepartmentIds(db(), actor.departmentPath)
	]);
	const visibleDepartments = [actor.departmentId, ...departments].filter(
		(id) => !hidden.includes(id)
	);
	return [
		ORGANISATION_FEED_ROOM,
		...new Set(visibleDepartments.map(departmentFeedRoom)),
		...people.map(personFeedRoom)
	];
}

/** After a follow or unfollow: every open socket of the person joins or leaves the room. */
export function setFeedRoomMembership(userId: number, room: string, member: boolean): void {
	const sockets = getRealtimeServer()?.in(userRoom(userId));
	if (!sockets) return;
	if (member) sockets.socketsJoin(room);
	else sockets.socketsLeave(room);
}

/**
 * Announces a new post. A post in a private department goes to that department's room only
 * (its members, and nobody who merely follows the author).
 */
export function announceNewPost(post: {
	id: number;
	authorId: number;
	departmentId: number | null;
	isPrivate: boolean;
}): void {
	const io = getRealtimeServer();
	if (!io) return;
	const payload = { postId: post.id, departmentId: post.departmentId, authorId: post.authorId };
	if (post.departmentId === null) {
		io.to(ORGANISATION_FEED_ROOM).emit('feed:post', payload);
		return;
	}
	// Watchers of a members-only department were let in only if they may see it.
	const rooms = [departmentFeedRoom(post.departmentId), departmentWatchRoom(post.departmentId)];
	if (!post.isPrivate) rooms.push(personFeedRoom(post.authorId));
	io.to(rooms).emit('feed:post', payload);
}
