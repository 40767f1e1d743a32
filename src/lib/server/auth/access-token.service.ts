/**
 * Personal access tokens for the JSON API: `Authorization: Bearer cmn_…`. The token is shown
 * once at creation; only its SHA-256 is stored.
 */
import { recordAudit } from '../audit/audit.service.ts';
import type { RequestContext } from '../context.ts';
import { db } from '../db/index.ts';
import { NotFoundError, UnauthorizedError } from '../errors.ts';
import {
	getActiveAccessTokenByHash,
	insertAccessToken,
	listAccessTokens,
	markAccessTokenUsed,
	revokeAccessToken
} from './access-token.repository.ts';
import { generateToken, hashToken } from './token.ts';

export const ACCESS_TOKEN_PREFIX = 'cmn_';

function requireActor(ctx: RequestContext) {
	if (!ctx.actor) throw new UnauthorizedError('Sign in to manage your access tokens.');
	return ctx.actor;
}

/**
 * Creates a token for the caller. Anyone signed in may create tokens for themselves.
 * Returns the secret once; it cannot be shown again.
 */
export async function createAccessToken(
	ctx: RequestContext,
	input: { name: string; expiresAt: Date | null },
	now: Date = new Date()
) {
	const actor = requireActor(ctx);
	const secret = `${ACCESS_TOKEN_PREFIX}${generateToken(20)}`;
	return db()
		.transaction()
		.execute(async (trx) => {
			const token = await insertAccessToken(trx, {
				userId: actor.id,
				name: input.name,
				tokenHash: hashToken(secret),
				tokenPrefix: secret.slice(0, ACCESS_TOKEN_PREFIX.length + 6),
				createdAt: now,
				expiresAt: input.expiresAt
			});
			await recordAudit(trx, ctx, {
				action: 'token.create',
				objectType: 'personal_access_token',
				objectId: token.id,
				details: { name: input.name, expiresAt: input.expiresAt?.toISOString() ?? null }
			});
			return { ...token, secret };
		});
}

/** The caller's tokens that are not revoked (expired ones included, marked by expiresAt). */
export async function listMyAccessTokens(ctx: RequestContext) {
	return listAccessTokens(db(), requireActor(ctx).id);
}

/** Revokes one of the caller's tokens. Throws NotFoundError for someone else's or an unknown token. */
export async function revokeMyAccessToken(
	ctx: RequestContext,
	tokenId: number,
	now: Date = new Date()
): Promise<void> {
	const actor = requireActor(ctx);
	await db()
		.transaction()
		.execute(async (trx) => {
			if (!(await revokeAccessToken(trx, actor.id, tokenId, now))) {
				throw new NotFoundError('That token does not exist or is already revoked.');
			}
			await recordAudit(trx, ctx, {
				action: 'token.revoke',
				objectType: 'personal_access_token',
				objectId: tokenId
			});
		});
}

/** Resolves a bearer token to its owner's id, or null. Records use at most once a minute. */
export async function authenticateAccessToken(
	secret: string,
	now: Date = new Date()
): Promise<number | null> {
	if (!secret.startsWith(ACCESS_TOKEN_PREFIX) || secret.length > 100) return null;
	const token = await getActiveAccessTokenByHash(db(), hashToken(secret), now);
	if (!token) return null;
	if (!token.lastUsedAt || now.getTime() - token.lastUsedAt.getTime() > 60_000) {
		await markAccessTokenUsed(db(), token.id, now);
	}
	return token.userId;
}
