/**
 * Sessions the Lucia way: the browser holds a random 160-bit token; the database holds only its
 * SHA-256. A session ends when idle too long (sliding) or when it reaches its absolute age.
 * Every function takes `now` so tests can move the clock.
 */
import type { Transaction } from 'kysely';
import type { Database } from '../db/index.ts';
import type { DB } from '../db/schema.ts';
import { getSessionActorRow, type SessionActorRow } from '../org/actor.repository.ts';
import { toActor, type Actor } from '../org/actor.ts';
import { generateToken, hashToken } from './token.ts';
import { deleteSession, insertSession, touchSession } from './session.repository.ts';

export type SessionTimeouts = { idleMs: number; absoluteMs: number };

export type ValidSession = {
	id: string;
	userId: number;
	authMethod: string;
	createdAt: Date;
	idleExpiresAt: Date;
	absoluteExpiresAt: Date;
};

/** Creates a session for `userId` and returns the token for the cookie (never stored). */
export async function createSession(
	trx: Transaction<DB>,
	input: {
		userId: number;
		authMethod: 'password' | 'oidc';
		ip: string | null;
		userAgent: string | null;
		timeouts: SessionTimeouts;
		now?: Date;
	}
): Promise<{ token: string; session: ValidSession }> {
	const now = input.now ?? new Date();
	const token = generateToken();
	const session: ValidSession = {
		id: hashToken(token),
		userId: input.userId,
		authMethod: input.authMethod,
		createdAt: now,
		idleExpiresAt: new Date(now.getTime() + input.timeouts.idleMs),
		absoluteExpiresAt: new Date(now.getTime() + input.timeouts.absoluteMs)
	};
	await insertSession(trx, {
		...session,
		lastSeenAt: now,
		ip: input.ip,
		userAgent: input.userAgent?.slice(0, 512) ?? null
	});
	return { token, session };
}

type StoredSession = SessionActorRow['session'];

/**
 * The session `row` as of `now`, or null when expired or the person is deactivated (the session
 * is then removed). Slides the idle expiry, writing at most once per 1/48 of the idle window so
 * that busy pages do not write on every request.
 */
async function checkSession(
	db: Database,
	row: StoredSession,
	timeouts: SessionTimeouts,
	now: Date
): Promise<ValidSession | null> {
	const nowMs = now.getTime();
	if (
		row.userStatus !== 'active' ||
		nowMs >= row.idleExpiresAt.getTime() ||
		nowMs >= row.absoluteExpiresAt.getTime()
	) {
		await deleteSession(db, row.id);
		return null;
	}
	let idleExpiresAt = row.idleExpiresAt;
	if (nowMs - row.lastSeenAt.getTime() > timeouts.idleMs / 48) {
		idleExpiresAt = new Date(Math.min(nowMs + timeouts.idleMs, row.absoluteExpiresAt.getTime()));
		await touchSession(db, row.id, now, idleExpiresAt);
	}
	return {
		id: row.id,
		userId: row.userId,
		authMethod: row.authMethod,
		createdAt: row.createdAt,
		idleExpiresAt,
		absoluteExpiresAt: row.absoluteExpiresAt
	};
}

/**
 * Resolves a cookie token to its session and the session's Actor in one query: what every
 * request needs first. Null when unknown, expired or the person is deactivated (the session is
 * then removed); see `checkSession`.
 */
export async function validateSessionTokenWithActor(
	db: Database,
	token: string,
	timeouts: SessionTimeouts,
	now: Date = new Date()
): Promise<{ session: ValidSession; actor: Actor } | null> {
	if (!/^[a-z2-7]{32}$/.test(token)) return null;
	return validateSessionWithActor(db, hashToken(token), timeouts, now);
}

/**
 * The same by the session's id (the token's hash), for a socket that authenticated with the
 * token when it connected: each event it sends is checked against the session as it is now, and
 * counts as activity that keeps the session from idling out.
 */
export async function validateSessionWithActor(
	db: Database,
	sessionId: string,
	timeouts: SessionTimeouts,
	now: Date = new Date()
): Promise<{ session: ValidSession; actor: Actor } | null> {
	const row = await getSessionActorRow(db, sessionId);
	if (!row) return null;
	const session = await checkSession(db, row.session, timeouts, now);
	return session && row.actor ? { session, actor: toActor(row.actor) } : null;
}
