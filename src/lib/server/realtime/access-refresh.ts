/**
 * After a change of who may see what (a person moved to another department, a department made
 * members-only, opened up or moved in the tree), open sockets' rooms are brought in line with
 * what their person may see now. Sockets join a room once, after the policy check, and broadcasts
 * go to rooms; without this, a page left open would go on hearing a members-only department's
 * messages and posts, and would not hear the department its person just joined.
 * Call after the change has committed.
 */
import { db } from '../db/index.ts';
import { logger } from '../log.ts';
import { departmentFeedRoom } from '../feeds/feed-events.ts';
import { listFollowedDepartmentsOfPeople } from '../feeds/follow.repository.ts';
import { hiddenDepartmentsByDepartment } from '../org/department-tree.ts';
import { listDepartmentRecords } from '../org/department.repository.ts';
import { listDepartmentsOfPeople } from '../org/person.repository.ts';
import { listThreadDepartments } from '../threads/thread.repository.ts';
import { userRoom } from './publish.ts';
import { getRealtimeServer } from './registry.ts';

const THREAD_ROOM = /^thread:(\d+)$/;
const DEPARTMENT_FEED_ROOM = /^feed:(?:watch:)?department:(\d+)$/;
/** A department's feed room for its members and followers (not the room of its open page). */
const DEPARTMENT_MEMBER_ROOM = /^feed:department:\d+$/;

/**
 * Every socket of `userIds` (all sockets, across instances, when omitted):
 * - leaves the rooms of departments hidden from its person now: a thread's room (by the
 *   thread's department) and a department's feed and watch rooms;
 * - is in the feed rooms of its person's department and the departments they follow that they
 *   may see (as `feedRoomsFor` chooses them when a socket connects), and in no other
 *   department's: after a move, the department left (unless followed) no longer adds to their
 *   "new posts", and the one joined, or a followed one opened up again, is heard without a reload.
 * Returns how many rooms were left and joined.
 */
export async function refreshRoomsAfterAccessChange(userIds?: number[]): Promise<number> {
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
	const threadIds = sockets.flatMap((s) =>
		[...s.rooms].flatMap((room) => {
			const match = THREAD_ROOM.exec(room);
			return match ? [Number(match[1])] : [];
		})
	);
	const [departments, departmentOf, followed, threadDepartment] = await Promise.all([
		listDepartmentRecords(db()),
		listDepartmentsOfPeople(db(), people),
		listFollowedDepartmentsOfPeople(db(), people),
		listThreadDepartments(db(), [...new Set(threadIds)])
	]);
	const hiddenFrom = hiddenDepartmentsByDepartment(departments, new Set(departmentOf.values()));

	/** The department a room belongs to; null or undefined: the organisation's, or no department's. */
	const departmentOfRoom = (room: string): number | null | undefined => {
		const thread = THREAD_ROOM.exec(room);
		if (thread) return threadDepartment.get(Number(thread[1]));
		const feed = DEPARTMENT_FEED_ROOM.exec(room);
		return feed ? Number(feed[1]) : undefined;
	};

	let changed = 0;
	for (const socket of sockets) {
		const userId = socket.data.actor?.id as number | undefined;
		const department = userId === undefined ? undefined : departmentOf.get(userId);
		const hidden = department === undefined ? undefined : hiddenFrom.get(department);
		// An unknown person (deleted meanwhile) keeps nothing.
		const wanted = new Set(
			department === undefined || !hidden
				? []
				: [department, ...(followed.get(userId!) ?? [])]
						.filter((id) => !hidden.has(id))
						.map(departmentFeedRoom)
		);
		for (const room of socket.rooms) {
			const roomDepartment = departmentOfRoom(room);
			if (roomDepartment === undefined || roomDepartment === null) continue;
			if (!hidden || hidden.has(roomDepartment)) {
				socket.leave(room);
				changed++;
			} else if (DEPARTMENT_MEMBER_ROOM.test(room) && !wanted.has(room)) {
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
