/**
 * `feed:watch-department`: a socket with a department's feed open (its page, or the home feed
 * narrowed to it) joins that department's watch room, so its new posts show as "N new posts"
 * although the person neither belongs to the department nor follows it. Only a department the
 * person may see: a members-only one only for its members, checked with the person as they are
 * now, not as they were when the socket connected.
 */
import { z } from 'zod';
import { handle, type AppSocket } from '../realtime/socket-handler.ts';
import { departmentWatchRoom } from './feed-events.ts';
import { getVisibleDepartment } from './feed.service.ts';

const departmentRefSchema = z.object({ departmentId: z.number().int().positive() });

export function registerFeedSocketHandlers(socket: AppSocket): void {
	socket.on(
		'feed:watch-department',
		handle(socket, departmentRefSchema, async (ctx, { departmentId }) => {
			await getVisibleDepartment(ctx, departmentId);
			await socket.join(departmentWatchRoom(departmentId));
			return { departmentId };
		})
	);
	socket.on('feed:unwatch-department', async (payload: unknown) => {
		const parsed = departmentRefSchema.safeParse(payload);
		if (parsed.success) await socket.leave(departmentWatchRoom(parsed.data.departmentId));
	});
}
