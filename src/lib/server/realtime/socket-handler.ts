/**
 * How every client-to-server event with an acknowledgement is answered: the payload is validated
 * with its schema, the handler runs with the socket's person as they are now (and only while the
 * session the socket signed in with is valid), and a bad payload or a refusal becomes an error
 * ack, never an exception that could take the process down.
 */
import type { Socket } from 'socket.io';
import type { z } from 'zod';
import type { RequestContext } from '../context.ts';
import { validateSessionWithActor } from '../auth/session.ts';
import { config } from '../config.ts';
import { isDatabaseUnavailable, UNAVAILABLE_MESSAGE } from '../db/availability.ts';
import { db } from '../db/index.ts';
import { DomainError } from '../errors.ts';
import { logger } from '../log.ts';
import { findUnstorable, UNSTORABLE_MESSAGE } from '../validation.ts';
import type { ClientToServerEvents, ServerToClientEvents } from '../../shared/realtime-events.ts';
import type { Ack } from '../../shared/threads.ts';
import type { SocketData } from './registry.ts';

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export type AppSocket = Socket<ClientToServerEvents, ServerToClientEvents, {}, SocketData>;

function failure(error: unknown): Ack<never> {
	if (error instanceof DomainError)
		return { ok: false, error: { code: error.code, message: error.message } };
	if (isDatabaseUnavailable(error))
		return { ok: false, error: { code: 'unavailable', message: UNAVAILABLE_MESSAGE } };
	logger().error({ err: error }, 'socket handler failed');
	return { ok: false, error: { code: 'internal', message: 'Something went wrong on our side.' } };
}

/**
 * Wraps a handler: parses the payload, runs it with the socket's person, answers the ack.
 * A missing ack (a careless client) is tolerated.
 */
export function handle<S extends z.ZodType, T>(
	socket: AppSocket,
	schema: S,
	run: (ctx: RequestContext, input: z.infer<S>) => Promise<T>
) {
	return async (payload: unknown, ack?: unknown) => {
		const reply = typeof ack === 'function' ? (ack as (result: Ack<T>) => void) : () => {};
		// As at the HTTP edge: a NUL or half an emoji gets its own answer, not a database error.
		if (findUnstorable(payload) !== null) {
			reply({ ok: false, error: { code: 'bad_request', message: UNSTORABLE_MESSAGE } });
			return;
		}
		const parsed = schema.safeParse(payload);
		if (!parsed.success) {
			reply({
				ok: false,
				error: { code: 'bad_request', message: parsed.error.issues[0]?.message ?? 'Bad request.' }
			});
			return;
		}
		try {
			// Each event is decided on the person as they are now (roles, department, what is
			// hidden from them), not as they were when the socket connected, and only while the
			// session is valid: one that expired (idle or at its age), was signed out or whose
			// person was deactivated ends the socket. An event is activity, as a page is.
			const valid = await validateSessionWithActor(db(), socket.data.sessionId, config().session);
			if (!valid) {
				reply({ ok: false, error: { code: 'unauthorized', message: 'Sign in again.' } });
				socket.disconnect(true);
				return;
			}
			const actor = valid.actor;
			socket.data.actor = actor;
			const ctx: RequestContext = {
				actor,
				ip: socket.handshake.address ?? null,
				userAgent: socket.handshake.headers['user-agent'] ?? null
			};
			reply({ ok: true, data: await run(ctx, parsed.data) });
		} catch (error) {
			reply(failure(error));
		}
	};
}
