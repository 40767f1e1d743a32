/**
 * `memo:watch-report`: a socket joins a memo's report room only after the report policy allowed
 * its person (refusals are audited by the service), and gets the current counts; later counts
 * arrive as `memo:report` events after each acknowledgement commits.
 */
import { z } from 'zod';
import { handle, type AppSocket } from '../realtime/socket-handler.ts';
import { memoReportRoom } from './memo-events.ts';
import { getMemoReportCounts } from './memo-report.service.ts';

const memoRefSchema = z.object({ memoId: z.number().int().positive() });

export function registerMemoSocketHandlers(socket: AppSocket): void {
	socket.on(
		'memo:watch-report',
		handle(socket, memoRefSchema, async (ctx, { memoId }) => {
			const counts = await getMemoReportCounts(ctx, memoId);
			await socket.join(memoReportRoom(memoId));
			return { counts };
		})
	);
	socket.on('memo:unwatch-report', async (payload: unknown) => {
		const parsed = memoRefSchema.safeParse(payload);
		if (parsed.success) await socket.leave(memoReportRoom(parsed.data.memoId));
	});
}
