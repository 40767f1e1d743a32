/**
 * Password sign-in and sign-out. Every attempt, successful or not, is in the audit trail.
 */
import { recordAudit, recordStandalone } from '../audit/audit.service.ts';
import type { RequestContext } from '../context.ts';
import { db } from '../db/index.ts';
import { TooManyRequestsError, ValidationError } from '../errors.ts';
import { loadActor } from '../org/actor.ts';
import { getPersonForSignIn } from '../org/person.repository.ts';
import { verifyAgainstDummy, verifyPassword } from './password.ts';
import { disconnectSession } from '../realtime/publish.ts';
import { deleteSession } from './session.repository.ts';
import { createSession, type SessionTimeouts } from './session.ts';
import {
	clearAccountThrottle,
	isFirstRefusalOfBlock,
	recordSignInFailure,
	reserveSignInAttempt
} from './throttle.ts';

export const INVALID_CREDENTIALS =
	'That email address and password do not match an active account. Check both and try again.';

/**
 * Signs a person in with email and password and returns the new session's token.
 * Anyone may call it. Throws TooManyRequestsError while the account or address is throttled,
 * ValidationError (the same message for an unknown email, a wrong password and a deactivated
 * account) when the credentials do not match, BusyError when hashing is saturated.
 */
export async function signInWithPassword(
	ctx: RequestContext,
	input: { email: string; password: string },
	timeouts: SessionTimeouts,
	now: Date = new Date()
): Promise<{ token: string; userId: number; expiresAt: Date }> {
	const email = input.email.trim().toLowerCase();
	const database = db();

	const retryAfter = await reserveSignInAttempt(database, { email, ip: ctx.ip }, now);
	if (retryAfter > 0) {
		// The first refusal of each block is the record; the rest would only grow the trail.
		if (await isFirstRefusalOfBlock(database, { email, ip: ctx.ip }, now))
			await recordStandalone(ctx, {
				action: 'auth.sign_in',
				outcome: 'failure',
				actorLabel: email,
				details: { reason: 'throttled', retryAfterSeconds: retryAfter },
				occurredAt: now
			});
		throw new TooManyRequestsError(
			`Too many failed sign-in attempts. Please wait ${retryAfter} seconds and try again.`,
			retryAfter
		);
	}

	const person = await getPersonForSignIn(database, email);
	const matches =
		person && person.status === 'active' && person.passwordHash
			? await verifyPassword(person.passwordHash, input.password)
			: await verifyAgainstDummy(input.password);

	if (!matches || !person) {
		await database.transaction().execute(async (trx) => {
			await recordSignInFailure(trx, { email, ip: ctx.ip }, now);
			await recordAudit(trx, ctx, {
				action: 'auth.sign_in',
				outcome: 'failure',
				actorLabel: email,
				objectType: person ? 'user' : undefined,
				objectId: person?.id,
				details: {
					reason: person
						? person.status === 'active'
							? 'wrong_password'
							: 'deactivated'
						: 'unknown_email'
				},
				occurredAt: now
			});
		});
		throw new ValidationError(INVALID_CREDENTIALS);
	}

	const actor = await loadActor(database, person.id);
	return database.transaction().execute(async (trx) => {
		await clearAccountThrottle(trx, email);
		const { token, session } = await createSession(trx, {
			userId: person.id,
			authMethod: 'password',
			ip: ctx.ip,
			userAgent: ctx.userAgent,
			timeouts,
			now
		});
		await recordAudit(
			trx,
			{ ...ctx, actor },
			{
				action: 'auth.sign_in',
				objectType: 'user',
				objectId: person.id,
				details: { method: 'password' },
				occurredAt: now
			}
		);
		return { token, userId: person.id, expiresAt: session.absoluteExpiresAt };
	});
}

/** Ends the caller's session. */
export async function signOut(ctx: RequestContext, sessionId: string): Promise<void> {
	await db()
		.transaction()
		.execute(async (trx) => {
			const removed = await deleteSession(trx, sessionId);
			if (removed)
				await recordAudit(trx, ctx, {
					action: 'auth.sign_out',
					objectType: 'user',
					objectId: ctx.actor?.id
				});
		});
	// Sockets opened by this session close too (other devices stay connected).
	disconnectSession(sessionId);
}
