/**
 * `feed:watch-department`: a socket with a department's feed open (its page, or the home feed
 * narrowed to it) joins that department's watch room, so its new posts show as "N new posts"
 * although the person neither belongs to the department nor follows it. Only a department the
 * person may see: a members-only one only for its members, checked with the person as they are
 * now, not as they were when the socket connected.
 */
import type { Socket } from 'socket.io';
import { z } from 'zod';
import { db } from '../db/index.ts';
import { logger } from '../log.ts';
import { loadActor } from '../org/actor.ts';
import { getDepartment } from '../org/department.repository.ts';
import type { SocketData } from '../realtime/registry.ts';
import type { ClientToServerEvents, ServerToClientEvents } from '../../shared/realtime-events.ts';
import { departmentWatchRoom } from './feed-events.ts';

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
type AppSocket = Socket<ClientToServerEvents, ServerToClientEvents, {}, SocketData>;

const departmentRefSchema = z.object({ departmentId: z.number().int().positive() });

export function registerFeedSocketHandlers(socket: AppSocket): void {
	socket.on('feed:watch-department', async (payload: unknown, ack: unknown) => {
		const reply = typeof ack === 'function' ? (ack as (r: unknown) => void) : () => {};
		const parsed = departmentRefSchema.safeParse(payload);
		if (!parsed.success) {
			reply({ ok: false, error: { code: 'bad_request', message: 'Name a department.' } });
			return;
		}
		const { departmentId } = parsed.data;
		try {
			const [actor, department] = await Promise.all([
				loadActor(db(), socket.data.actor.id),
				getDepartment(db(), departmentId)
			]);
			if (!actor) {
				reply({ ok: false, error: { code: 'unauthorized', message: 'Sign in again.' } });
				return;
			}
			// A department one may not see is answered as one that does not exist.
			if (!department || actor.hiddenDepartmentIds.includes(departmentId)) {
				reply({ ok: false, error: { code: 'not_found', message: 'No such department.' } });
				return;
			}
			await socket.join(departmentWatchRoom(departmentId));
			reply({ ok: true, data: { departmentId } });
		} catch (error) {
			logger().error({ err: error }, 'feed:watch-department failed');
			reply({
				ok: false,
				error: { code: 'internal', message: 'Something went wrong on our side.' }
			});
		}
	});
	socket.on('feed:unwatch-department', async (payload: unknown) => {
		const parsed = departmentRefSchema.safeParse(payload);
		if (parsed.success) await socket.leave(departmentWatchRoom(parsed.data.departmentId));
	});
}
