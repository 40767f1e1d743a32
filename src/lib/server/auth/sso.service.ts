/**
 * Single sign-on with OpenID Connect (authorisation code flow with PKCE). The first sign-in of
 * an unknown email address provisions the person. Every attempt, successful or not, is in the
 * audit trail as `auth.sign_in` with `details.method = 'oidc'`.
 */
import { recordAudit, recordStandalone } from '../audit/audit.service.ts';
import type { RequestContext } from '../context.ts';
import { db, type Database } from '../db/index.ts';
import { logger } from '../log.ts';
import { loadActor } from '../org/actor.ts';
import {
	getDepartmentByName,
	getDepartmentBySlug,
	getRootDepartment,
	type DepartmentRecord
} from '../org/department.repository.ts';
import { getPersonForSignIn, insertPerson } from '../org/person.repository.ts';
import {
	buildAuthorizationUrl,
	exchangeAuthorizationCode,
	newAuthorizationSecrets,
	type OidcClaims,
	type OidcSettings
} from './oidc.ts';
import { deleteOidcLoginsBefore, insertOidcLogin, takeOidcLogin } from './oidc-login.repository.ts';
import { createSession, type SessionTimeouts } from './session.ts';

/** How long a person has to finish signing in at the provider. */
export const SSO_LOGIN_MAX_AGE_MS = 10 * 60_000;
/**
 * Sign-ons that never came back are deleted when they are this old, not at 10 minutes, so that
 * a late callback is still recognised and told it expired rather than that it failed.
 */
const ABANDONED_LOGIN_MS = 24 * 3_600_000;

/** What the sign-in page is told (`/login?sso_error=<key>`); the audit trail has the detail. */
export type SsoErrorKey = 'failed' | 'expired' | 'deactivated' | 'email' | 'cancelled';

export class SsoError extends Error {
	readonly key: SsoErrorKey;
	readonly reason: string;
	/** Where the person was going, when the sign-on got far enough to know it. */
	readonly returnTo: string | undefined;
	constructor(key: SsoErrorKey, reason: string, returnTo?: string) {
		super(`Single sign-on failed: ${reason}`);
		this.key = key;
		this.reason = reason;
		this.returnTo = returnTo;
	}
}

/**
 * Starts a sign-on: remembers a fresh state, nonce and PKCE verifier and returns the provider's
 * authorisation URL to send the browser to, with the state to bind to that browser. Anyone may
 * call it. Throws openid-client's errors when the provider cannot be discovered (nothing is
 * stored then).
 */
export async function beginSsoSignIn(
	settings: OidcSettings,
	input: { returnTo: string; redirectUri: string },
	now: Date = new Date()
): Promise<{ authorizationUrl: URL; state: string }> {
	const secrets = await newAuthorizationSecrets();
	const authorizationUrl = await buildAuthorizationUrl(settings, {
		redirectUri: input.redirectUri,
		state: secrets.state,
		nonce: secrets.nonce,
		codeChallenge: secrets.codeChallenge
	});
	const database = db();
	await deleteOidcLoginsBefore(database, new Date(now.getTime() - ABANDONED_LOGIN_MS));
	await insertOidcLogin(database, {
		state: secrets.state,
		codeVerifier: secrets.codeVerifier,
		nonce: secrets.nonce,
		returnTo: input.returnTo,
		createdAt: now
	});
	return { authorizationUrl, state: secrets.state };
}

export type SsoSignIn = {
	token: string;
	userId: number;
	expiresAt: Date;
	returnTo: string;
	provisioned: boolean;
};

/**
 * Finishes a sign-on at the redirect URI: consumes the pending sign-on named by the response's
 * state (once: a replayed callback finds nothing), checks that this browser started it and that
 * it is under 10 minutes old, exchanges the code (PKCE, nonce and ID token checked), then signs
 * in the person with the verified email, provisioning them on their first sign-in. The session,
 * any provisioning and their audit entries commit together. Anyone may call it. Throws SsoError
 * (after recording the failure) for every refusal.
 */
export async function completeSsoSignIn(
	ctx: RequestContext,
	settings: OidcSettings,
	input: { callbackUrl: URL; browserState: string | undefined },
	timeouts: SessionTimeouts,
	now: Date = new Date()
): Promise<SsoSignIn> {
	const params = input.callbackUrl.searchParams;
	const state = params.get('state');
	const login = state ? await takeOidcLogin(db(), state) : undefined;
	const fail = (
		key: SsoErrorKey,
		reason: string,
		extra: { details?: Record<string, unknown>; email?: string; userId?: number } = {}
	) => failure(ctx, new SsoError(key, reason, login?.returnTo), extra, now);

	if (!login) throw await fail('failed', state ? 'unknown_state' : 'missing_state');
	if (input.browserState !== login.state) throw await fail('failed', 'state_mismatch');
	const providerError = params.get('error');
	if (providerError) {
		throw await fail(providerError === 'access_denied' ? 'cancelled' : 'failed', 'provider_error', {
			details: { error: providerError.slice(0, 100) }
		});
	}
	if (now.getTime() - login.createdAt.getTime() > SSO_LOGIN_MAX_AGE_MS) {
		throw await fail('expired', 'expired');
	}

	let claims: OidcClaims;
	try {
		claims = await exchangeAuthorizationCode(settings, input.callbackUrl, login);
	} catch (error) {
		logger().warn({ err: error }, 'single sign-on: code exchange failed');
		throw await fail('failed', 'code_exchange', { details: describeError(error) });
	}

	const identity = readIdentity(claims, settings.departmentClaim);
	if ('problem' in identity) {
		throw await fail('email', identity.problem, {
			email: identity.email,
			details: { subject: claims.sub }
		});
	}

	// A first sign-in racing another for the same new person loses on the unique email index;
	// the second try then finds the person the other created.
	for (let attempt = 1; ; attempt++) {
		const person = await getPersonForSignIn(db(), identity.email);
		if (person && person.status !== 'active') {
			throw await fail('deactivated', 'deactivated', {
				email: identity.email,
				userId: person.id
			});
		}
		const department = person ? undefined : await resolveDepartment(db(), identity.department);
		if (!person && !department) {
			throw await fail('failed', 'no_department', { email: identity.email });
		}
		try {
			return await db()
				.transaction()
				.execute(async (trx) => {
					const provisioned = !person;
					const userId = person
						? person.id
						: (
								await insertPerson(trx, {
									email: identity.email,
									name: identity.name,
									title: '',
									bio: '',
									departmentId: department!.department.id,
									managerId: null,
									avatarUrl: null
								})
							).id;
					const actor = await loadActor(trx, userId);
					const { token, session } = await createSession(trx, {
						userId,
						authMethod: 'oidc',
						ip: ctx.ip,
						userAgent: ctx.userAgent,
						timeouts,
						now
					});
					const actorCtx = { ...ctx, actor };
					if (provisioned) {
						await recordAudit(trx, actorCtx, {
							action: 'person.provision',
							objectType: 'user',
							objectId: userId,
							details: {
								method: 'oidc',
								email: identity.email,
								departmentId: department!.department.id,
								departmentClaim: identity.department ?? null,
								departmentMatchedBy: department!.matchedBy,
								subject: claims.sub
							},
							occurredAt: now
						});
					}
					await recordAudit(trx, actorCtx, {
						action: 'auth.sign_in',
						objectType: 'user',
						objectId: userId,
						details: { method: 'oidc' },
						occurredAt: now
					});
					return {
						token,
						userId,
						expiresAt: session.absoluteExpiresAt,
						returnTo: login.returnTo,
						provisioned
					};
				});
		} catch (error) {
			if (attempt < 2 && !person && isUniqueViolation(error)) continue;
			throw error;
		}
	}
}

/** Records a refused sign-on and returns the error for the caller to throw. */
async function failure(
	ctx: RequestContext,
	error: SsoError,
	extra: { details?: Record<string, unknown>; email?: string; userId?: number },
	now: Date
): Promise<SsoError> {
	await recordStandalone(ctx, {
		action: 'auth.sign_in',
		outcome: 'failure',
		actorLabel: extra.email,
		objectType: extra.userId === undefined ? undefined : 'user',
		objectId: extra.userId,
		details: { method: 'oidc', reason: error.reason, ...extra.details },
		occurredAt: now
	});
	return error;
}

type Identity =
	| { email: string; name: string; department: string | undefined }
	| { problem: 'email_missing' | 'email_unverified'; email?: string };

function text(value: unknown): string | undefined {
	return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/** At most `max` characters (code points, as PostgreSQL's `length` counts them). */
function clip(value: string, max: number): string {
	const chars = Array.from(value);
	return chars.length > max ? chars.slice(0, max).join('') : value;
}

/** The email (required; verified when the provider says), display name and department claim. */
function readIdentity(claims: OidcClaims, departmentClaim: string): Identity {
	const email = text(claims.email)?.toLowerCase();
	if (!email || email.length > 320 || !/^[^\s@]+@[^\s@]+$/.test(email)) {
		return { problem: 'email_missing' };
	}
	if (
		claims.email_verified !== undefined &&
		claims.email_verified !== true &&
		claims.email_verified !== 'true'
	) {
		return { problem: 'email_unverified', email };
	}
	const givenAndFamily = [text(claims.given_name), text(claims.family_name)]
		.filter(Boolean)
		.join(' ');
	const name =
		text(claims.name) ??
		text(givenAndFamily) ??
		text(claims.preferred_username) ??
		email.slice(0, email.indexOf('@'));
	const rawDepartment = claims[departmentClaim];
	const department = Array.isArray(rawDepartment)
		? rawDepartment.map(text).find(Boolean)
		: text(rawDepartment);
	return { email, name: clip(name, 200), department: department && clip(department, 200) };
}

/**
 * A new person's department: the one whose slug matches the claim (slugs are lower case), else
 * the one whose name matches it (ignoring case), else the organisation's root department.
 */
async function resolveDepartment(
	database: Database,
	claim: string | undefined
): Promise<{ department: DepartmentRecord; matchedBy: 'slug' | 'name' | 'root' } | undefined> {
	if (claim) {
		const bySlug = await getDepartmentBySlug(database, claim.toLowerCase());
		if (bySlug) return { department: bySlug, matchedBy: 'slug' };
		const byName = await getDepartmentByName(database, claim);
		if (byName) return { department: byName, matchedBy: 'name' };
	}
	const root = await getRootDepartment(database);
	return root && { department: root, matchedBy: 'root' };
}

function isUniqueViolation(error: unknown): boolean {
	return (error as { code?: unknown } | null)?.code === '23505';
}

/** What the audit trail keeps of an openid-client error: its code and message, no tokens. */
function describeError(error: unknown): Record<string, unknown> {
	if (!(error instanceof Error)) return { error: String(error).slice(0, 200) };
	const { code, error: oauthError } = error as { code?: unknown; error?: unknown };
	// openid-client wraps the precise complaint (`unexpected ID Token "nonce" claim value`).
	const message =
		error.cause instanceof Error ? `${error.message}: ${error.cause.message}` : error.message;
	return {
		error:
			typeof oauthError === 'string' ? oauthError : typeof code === 'string' ? code : error.name,
		message: message.slice(0, 300)
	};
}
