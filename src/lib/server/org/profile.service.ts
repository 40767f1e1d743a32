/**
 * People's own profiles, and the directory's profile pages.
 */
import { enqueueSearchIndex } from '../search/outbox.repository.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { hashPassword, verifyPassword } from '../auth/password.ts';
import { passwordProblem } from '../auth/password-policy.ts';
import { deleteUserSessions } from '../auth/session.repository.ts';
import {
	clearAccountThrottle,
	recordSignInFailure,
	reserveSignInAttempt
} from '../auth/throttle.ts';
import type { RequestContext } from '../context.ts';
import { db } from '../db/index.ts';
import { disconnectUserExcept } from '../realtime/publish.ts';
import {
	ForbiddenError,
	NotFoundError,
	TooManyRequestsError,
	UnauthorizedError,
	ValidationError
} from '../errors.ts';
import type { Actor } from './actor.ts';
import { getAncestry } from './department.repository.ts';
import { canSeeDepartment } from './department.policy.ts';
import { canEditProfile } from './person.policy.ts';
import {
	getPasswordHash,
	getPersonProfile,
	listDirectReports,
	setPasswordHash,
	updatePersonRow
} from './person.repository.ts';

function requireActor(ctx: RequestContext): Actor {
	if (!ctx.actor) throw new UnauthorizedError('Sign in first.');
	return ctx.actor;
}

/**
 * A person's profile as `ctx.actor` may see it: name, title, department, manager, bio and
 * direct reports. People in a members-only department are visible only to its members.
 */
export async function getProfile(ctx: RequestContext, personId: number) {
	const actor = requireActor(ctx);
	const person = await getPersonProfile(db(), personId);
	if (!person) throw new NotFoundError('We could not find that person.');
	if (!canSeeDepartment(actor, await getAncestry(db(), person.departmentId))) {
		// Same answer as for someone who does not exist: membership itself is confidential.
		throw new NotFoundError('We could not find that person.');
	}
	// Nor is a manager or a report in a members-only department the viewer is not in.
	const reports = await listDirectReports(db(), personId, actor.hiddenDepartmentIds);
	const managerHidden =
		person.managerDepartmentId !== null &&
		actor.hiddenDepartmentIds.includes(person.managerDepartmentId);
	return {
		person: {
			...person,
			managerId: managerHidden ? null : person.managerId,
			managerName: managerHidden ? null : person.managerName,
			managerDepartmentId: managerHidden ? null : person.managerDepartmentId
		},
		reports,
		canEdit: canEditProfile(actor, person)
	};
}

/** Updates the caller's own bio. */
export async function updateMyProfile(ctx: RequestContext, input: { bio: string }) {
	const actor = requireActor(ctx);
	if (!canEditProfile(actor, actor)) throw new ForbiddenError('You cannot edit this profile.');
	return db()
		.transaction()
		.execute(async (trx) => {
			const person = await updatePersonRow(trx, actor.id, { bio: input.bio });
			await enqueueSearchIndex(trx, [{ kind: 'person', id: actor.id }]);
			await recordAudit(trx, ctx, {
				action: 'profile.update',
				objectType: 'user',
				objectId: actor.id,
				details: { fields: ['bio'] }
			});
			return person;
		});
}

/**
 * Changes the caller's password after checking the current one, and signs out their other
 * sessions. The new password must pass the password policy.
 */
export async function changeMyPassword(
	ctx: RequestContext,
	currentSessionId: string | null,
	input: { currentPassword: string; newPassword: string }
): Promise<void> {
	const actor = requireActor(ctx);
	// Guessing the current password from a session left open is guessing a sign-in: the same
	// throttle (this account's, shared with the sign-in page) and the same audited failure.
	const now = new Date();
	const who = { email: actor.email.toLowerCase(), ip: ctx.ip };
	const retryAfter = await reserveSignInAttempt(db(), who, now);
	if (retryAfter > 0)
		throw new TooManyRequestsError(
			`Too many wrong passwords. Please wait ${retryAfter} seconds and try again.`,
			retryAfter
		);
	const existing = await getPasswordHash(db(), actor.id);
	if (!existing || !(await verifyPassword(existing, input.currentPassword))) {
		await db()
			.transaction()
			.execute(async (trx) => {
				await recordSignInFailure(trx, who, now);
				await recordAudit(trx, ctx, {
					action: 'auth.password_change',
					outcome: 'failure',
					objectType: 'user',
					objectId: actor.id,
					details: { reason: 'wrong_current_password' },
					occurredAt: now
				});
			});
		throw new ValidationError('Your current password is not correct.', {
			currentPassword: 'This is not your current password.'
		});
	}
	await clearAccountThrottle(db(), who.email);
	const problem = passwordProblem(input.newPassword, actor);
	if (problem) throw new ValidationError(problem, { newPassword: problem });
	const passwordHash = await hashPassword(input.newPassword);
	await db()
		.transaction()
		.execute(async (trx) => {
			await setPasswordHash(trx, actor.id, passwordHash);
			const ended = await deleteUserSessions(trx, actor.id, currentSessionId ?? undefined);
			await recordAudit(trx, ctx, {
				action: 'auth.password_change',
				objectType: 'user',
				objectId: actor.id,
				details: { otherSessionsEnded: ended }
			});
		});
	disconnectUserExcept(actor.id, currentSessionId);
}

/** The caller's own account page: their profile and whether they have a password to change. */
export async function getMyAccount(ctx: RequestContext) {
	const actor = requireActor(ctx);
	const person = await getPersonProfile(db(), actor.id);
	if (!person) throw new NotFoundError('Your account no longer exists.');
	return { person, hasPassword: (await getPasswordHash(db(), actor.id)) !== null };
}
