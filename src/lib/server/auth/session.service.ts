/**
 * What people and administrators do with sessions: list your own devices, sign out the others,
 * and (admins) end every session of a person. Ending sessions also closes that person's sockets.
 */
import { recordAudit, recordDenied } from '../audit/audit.service.ts';
import type { RequestContext } from '../context.ts';
import { db } from '../db/index.ts';
import { ForbiddenError, UnauthorizedError } from '../errors.ts';
import { canManagePeople } from '../org/person.policy.ts';
import { disconnectUser, disconnectUserExcept } from '../realtime/publish.ts';
import { deleteUserSessions, listUserSessions } from './session.repository.ts';

function requireActor(ctx: RequestContext) {
	if (!ctx.actor) throw new UnauthorizedError('Sign in to see your sessions.');
	return ctx.actor;
}

/** The caller's live sessions, most recently used first, marking the current one. */
export async function listMySessions(
	ctx: RequestContext,
	currentSessionId: string,
	now: Date = new Date()
) {
	const sessions = await listUserSessions(db(), requireActor(ctx).id, now);
	return sessions.map((s) => ({ ...s, current: s.id === currentSessionId, id: s.id.slice(0, 12) }));
}

/** Signs the caller out everywhere except this session. Returns how many ended. */
export async function signOutOtherSessions(
	ctx: RequestContext,
	currentSessionId: string
): Promise<number> {
	const actor = requireActor(ctx);
	const ended = await db()
		.transaction()
		.execute(async (trx) => {
			const count = await deleteUserSessions(trx, actor.id, currentSessionId);
			await recordAudit(trx, ctx, {
				action: 'session.end_others',
				objectType: 'user',
				objectId: actor.id,
				details: { ended: count }
			});
			return count;
		});
	disconnectUserExcept(actor.id, currentSessionId);
	return ended;
}

/**
 * Ends every session of `userId` and disconnects their sockets. Administrators only; throws
 * ForbiddenError (audited) otherwise.
 */
export async function endSessionsOf(ctx: RequestContext, userId: number): Promise<number> {
	const actor = requireActor(ctx);
	if (!canManagePeople(actor)) {
		await recordDenied(ctx, 'session.end_all', 'user', userId);
		throw new ForbiddenError('Only administrators can end other people’s sessions.');
	}
	const ended = await db()
		.transaction()
		.execute(async (trx) => {
			const count = await deleteUserSessions(trx, userId);
			await recordAudit(trx, ctx, {
				action: 'session.end_all',
				objectType: 'user',
				objectId: userId,
				details: { ended: count }
			});
			return count;
		});
	disconnectUser(userId);
	return ended;
}
