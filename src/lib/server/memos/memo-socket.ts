/**
 * `memo:watch-report`: a socket joins a memo's report room only after the report policy allowed
 * its person (refusals are audited by the service), and gets the current counts; later counts
 * arrive as `memo:report` events after each acknowledgement commits.
 */
import type { Socket } from 'socket.io';
import { z } from 'zod';
import type { RequestContext } from '../context.ts';
import { db } from '../db/index.ts';
import { DomainError } from '../errors.ts';
import { logger } from '../log.ts';
import { loadActor } from '../org/actor.ts';
import type { SocketData } from '../realtime/registry.ts';
import type { ClientToServerEvents, ServerToClientEvents } from '../../shared/realtime-events.ts';
import { memoReportRoom } from './memo-events.ts';
import { getMemoReportCounts } from './memo-report.service.ts';

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
type AppSocket = Socket<ClientToServerEvents, ServerToClientEvents, {}, SocketData>;

const memoRefSchema = z.object({ memoId: z.number().int().positive() });

export function registerMemoSocketHandlers(socket: AppSocket): void {
	socket.on('memo:watch-report', async (payload: unknown, ack: unknown) => {
		const reply = typeof ack === 'function' ? (ack as (r: unknown) => void) : () => {};
		const parsed = memoRefSchema.safeParse(payload);
		if (!parsed.success) {
			reply({ ok: false, error: { code: 'bad_request', message: 'Name a memo.' } });
			return;
		}
		try {
			const actor = await loadActor(db(), socket.data.actor.id);
			if (!actor) {
				reply({ ok: false, error: { code: 'unauthorized', message: 'Sign in again.' } });
				return;
			}
			const ctx: RequestContext = {
				actor,
				ip: socket.handshake.address ?? null,
				userAgent: socket.handshake.headers['user-agent'] ?? null
			};
			const counts = await getMemoReportCounts(ctx, parsed.data.memoId);
			await socket.join(memoReportRoom(parsed.data.memoId));
			reply({ ok: true, data: { counts } });
		} catch (error) {
			if (error instanceof DomainError)
				reply({ ok: false, error: { code: error.code, message: error.message } });
			else {
				logger().error({ err: error }, 'memo:watch-report failed');
				reply({
					ok: false,
					error: { code: 'internal', message: 'Something went wrong on our side.' }
				});
			}
		}
	});
	socket.on('memo:unwatch-report', async (payload: unknown) => {
		const parsed = memoRefSchema.safeParse(payload);
		if (parsed.success) await socket.leave(memoReportRoom(parsed.data.memoId));
	});
}
