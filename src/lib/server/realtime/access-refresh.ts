/**
 * After a change of who may see what (a person moved to another department, a department made
 * members-only or moved in the tree), open sockets leave the rooms of departments now hidden from
 * their person: a thread's room (by the thread's department) and a department's feed rooms.
 * Sockets join a room once, after the policy check, and broadcasts go to rooms; without this, a
 * page left open would go on hearing a members-only department's messages and posts. The other
 * way round, sockets are put in the feed rooms of the departments their person now belongs to
 * or follows and may see, so an open feed hears them without a reload.
 * Call after the change has committed.
 */
import { db } from '../db/index.ts';
import { logger } from '../log.ts';
import { hiddenDepartmentsByDepartment } from '../org/department-tree.ts';
import { listDepartmentRecords } from '../org/department.repository.ts';
import { listDepartmentsOfPeople } from '../org/person.repository.ts';
import { departmentFeedRoom } from '../feeds/feed-events.ts';
import { listFollowedDepartmentsOfPeople } from '../feeds/follow.repository.ts';
import { listThreadDepartments } from '../threads/thread.repository.ts';
import { userRoom } from './publish.ts';
import { getRealtimeServer } from './registry.ts';

const THREAD_ROOM = /^thread:(\d+)$/;
const DEPARTMENT_FEED_ROOM = /^feed:(?:watch:)?department:(\d+)$/;
/** A department's feed room for its members and followers (not the room of its open page). */
const DEPARTMENT_MEMBER_ROOM = /^feed:department:\d+$/;

/**
 * Every socket of `userIds` (all sockets, across instances, when omitted) leaves the rooms of the
 * departments hidden from its person now. Returns how many rooms were left.
 */
export async function leaveRoomsNowHidden(userIds?: number[]): Promise<number> {
	const io = getRealtimeServer();
	if (!io || userIds?.length === 0) return 0;
	const rooms = userIds?.map(userRoom);
	const sockets = await (rooms ? io.in(rooms) : io).fetchSockets().catch((error: unknown) => {
		// Another instance stalled: this one's sockets at least (each instance's own are refreshed
		// by the next change it makes, or when they reconnect).
		logger().warn({ err: error }, 'access refresh: another instance did not answer');
		return (rooms ? io.local.in(rooms) : io.local).fetchSockets();
	});
	if (!sockets.length) return 0;

	const people = [...new Set(sockets.map((s) => s.data.actor?.id as number | undefined))].filter(
		(id): id is number => id !== undefined
	);
	const [departments, departmentOf] = await Promise.all([
		listDepartmentRecords(db()),
		listDepartmentsOfPeople(db(), people)
	]);
	const hiddenFrom = hiddenDepartmentsByDepartment(departments, new Set(departmentOf.values()));
	const threadIds = sockets.flatMap((s) =>
		[...s.rooms].flatMap((room) => {
			const match = THREAD_ROOM.exec(room);
			return match ? [Number(match[1])] : [];
		})
	);
	const threadDepartment = await listThreadDepartments(db(), [...new Set(threadIds)]);

	/** The department a room belongs to; null or undefined: the organisation's, or no department's. */
	const departmentOfRoom = (room: string): number | null | undefined => {
		const thread = THREAD_ROOM.exec(room);
		if (thread) return threadDepartment.get(Number(thread[1]));
		const feed = DEPARTMENT_FEED_ROOM.exec(room);
		return feed ? Number(feed[1]) : undefined;
	};

	let left = 0;
	for (const socket of sockets) {
		const department = departmentOf.get(socket.data.actor?.id);
		const hidden = department === undefined ? undefined : hiddenFrom.get(department);
		for (const room of socket.rooms) {
			const roomDepartment = departmentOfRoom(room);
			if (roomDepartment === undefined || roomDepartment === null) continue;
			// An unknown person (deleted meanwhile) keeps nothing.
			if (!hidden || hidden.has(roomDepartment)) {
				socket.leave(room);
				left++;
			}
		}
	}
	return left;
}

/**
 * Every socket of `userIds` is put in the feed rooms of its person's department and of the
 * departments they follow, those they may see now (as `feedRoomsFor` chooses them when a socket
 * connects), and taken out of other departments' feed rooms: after a move, the department they
 * left (unless they follow it) no longer adds to their "new posts". A department's watch room
 * (its page open) is left alone. Returns how many rooms were joined and left.
 */
export async function refreshFeedRooms(userIds: number[]): Promise<number> {
	const io = getRealtimeServer();
	const people = [...new Set(userIds)];
	if (!io || !people.length) return 0;
	const rooms = people.map(userRoom);
	const [sockets, departments, departmentOf, followed] = await Promise.all([
		io
			.in(rooms)
			.fetchSockets()
			.catch((error: unknown) => {
				logger().warn({ err: error }, 'access refresh: another instance did not answer');
				return io.local.in(rooms).fetchSockets();
			}),
		listDepartmentRecords(db()),
		listDepartmentsOfPeople(db(), people),
		listFollowedDepartmentsOfPeople(db(), people)
	]);
	const hiddenFrom = hiddenDepartmentsByDepartment(departments, new Set(departmentOf.values()));
	const wantedBy = new Map<number, Set<string>>();
	for (const userId of people) {
		const department = departmentOf.get(userId);
		const hidden = department === undefined ? undefined : hiddenFrom.get(department);
		const wanted =
			department === undefined
				? []
				: [department, ...(followed.get(userId) ?? [])].filter((id) => !hidden?.has(id));
		wantedBy.set(userId, new Set(wanted.map(departmentFeedRoom)));
	}
	let changed = 0;
	for (const socket of sockets) {
		const wanted = wantedBy.get(socket.data.actor?.id) ?? new Set<string>();
		for (const room of socket.rooms) {
			if (DEPARTMENT_MEMBER_ROOM.test(room) && !wanted.has(room)) {
				socket.leave(room);
				changed++;
			}
		}
		for (const room of wanted) {
			if (!socket.rooms.has(room)) {
				socket.join(room);
				changed++;
			}
		}
	}
	return changed;
}
