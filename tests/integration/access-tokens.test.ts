/**
 * Personal access tokens against a real database: shown once, stored as a hash, resolved to
 * their owner only while valid, revocable only by their owner, and audited.
 */
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import {
	ACCESS_TOKEN_PREFIX,
	authenticateAccessToken,
	createAccessToken,
	listMyAccessTokens,
	revokeMyAccessToken
} from '../../src/lib/server/auth/access-token.service.ts';
import type { RequestContext } from '../../src/lib/server/context.ts';
import { NotFoundError, UnauthorizedError } from '../../src/lib/server/errors.ts';
import { loadActor } from '../../src/lib/server/org/actor.ts';
import { newUser } from '../factories.ts';
import { createTestDatabase } from './database.ts';

const { db } = await createTestDatabase();

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const DAY = 86_400_000;

async function contextFor(userId: number): Promise<RequestContext> {
	return { actor: await loadActor(db, userId), ip: '127.0.0.1', userAgent: 'vitest' };
}

async function tokenRow(id: number) {
	return db
		.selectFrom('personalAccessToken')
		.selectAll()
		.where('id', '=', id)
		.executeTakeFirstOrThrow();
}

async function auditFor(action: string, tokenId: number) {
	return db
		.selectFrom('auditEvent')
		.selectAll()
		.where('action', '=', action)
		.where('objectType', '=', 'personal_access_token')
		.where('objectId', '=', String(tokenId))
		.execute();
}

describe('createAccessToken', () => {
	it('returns the secret once and stores only its hash and a short prefix', async () => {
		const owner = await newUser(db);
		const ctx = await contextFor(owner.id);
		const created = await createAccessToken(ctx, { name: 'CI deploys', expiresAt: null });

		expect(created.secret.startsWith(ACCESS_TOKEN_PREFIX)).toBe(true);
		expect(created.secret.startsWith('cmn_')).toBe(true);
		expect(created.secret.length).toBeGreaterThanOrEqual(4 + 32);
		expect(created.tokenPrefix).toBe(created.secret.slice(0, 10));

		const row = await tokenRow(created.id);
		expect(row.tokenHash).toBe(sha256(created.secret));
		expect(row.userId).toBe(owner.id);
		const { rows } = await sql<{
			text: string;
		}>`select t::text as text from personal_access_token t where id = ${created.id}`.execute(db);
		expect(rows[0]!.text).not.toContain(created.secret);

		// Listing never shows the secret or its hash again.
		const listed = await listMyAccessTokens(ctx);
		expect(listed.map((t) => t.id)).toEqual([created.id]);
		expect(JSON.stringify(listed)).not.toContain(created.secret);
		expect(JSON.stringify(listed)).not.toContain(row.tokenHash);
		expect(Object.keys(listed[0]!)).not.toContain('tokenHash');

		// Two tokens never share a secret.
		const second = await createAccessToken(ctx, { name: 'Another', expiresAt: null });
		expect(second.secret).not.toBe(created.secret);
	});

	it('audits the creation with the name and expiry', async () => {
		const owner = await newUser(db);
		const expiresAt = new Date(Date.now() + 30 * DAY);
		const created = await createAccessToken(await contextFor(owner.id), {
			name: 'Reporting',
			expiresAt
		});
		const audit = await auditFor('token.create', created.id);
		expect(audit).toHaveLength(1);
		expect(audit[0]).toMatchObject({
			actorId: owner.id,
			outcome: 'success',
			details: { name: 'Reporting', expiresAt: expiresAt.toISOString() }
		});
		expect(JSON.stringify(audit[0])).not.toContain(created.secret);
	});

	it('needs a signed-in person', async () => {
		await expect(
			createAccessToken({ actor: null, ip: null, userAgent: null }, { name: 'x', expiresAt: null })
		).rejects.toBeInstanceOf(UnauthorizedError);
	});
});

describe('authenticateAccessToken', () => {
	it('resolves a valid token to its owner and records its use at most once a minute', async () => {
		const owner = await newUser(db);
		const { id, secret } = await createAccessToken(await contextFor(owner.id), {
			name: 'Script',
			expiresAt: null
		});
		const t0 = new Date();
		expect(await authenticateAccessToken(secret, t0)).toBe(owner.id);
		expect((await tokenRow(id)).lastUsedAt).toEqual(t0);
		expect(await authenticateAccessToken(secret, new Date(t0.getTime() + 30_000))).toBe(owner.id);
		expect((await tokenRow(id)).lastUsedAt).toEqual(t0);
		const later = new Date(t0.getTime() + 61_000);
		expect(await authenticateAccessToken(secret, later)).toBe(owner.id);
		expect((await tokenRow(id)).lastUsedAt).toEqual(later);
	});

	it('refuses unknown, malformed and overlong secrets', async () => {
		const owner = await newUser(db);
		const { secret } = await createAccessToken(await contextFor(owner.id), {
			name: 'Real',
			expiresAt: null
		});
		for (const bad of [
			'',
			'cmn_',
			secret.slice(4), // without the prefix
			`${secret}x`,
			secret.toUpperCase(),
			`cmn_${'a'.repeat(200)}`,
			sha256(secret)
		]) {
			expect(await authenticateAccessToken(bad), bad).toBeNull();
		}
	});

	it('refuses an expired token from the moment it expires', async () => {
		const owner = await newUser(db);
		const expiresAt = new Date(Date.now() + DAY);
		const { secret } = await createAccessToken(await contextFor(owner.id), {
			name: 'Short-lived',
			expiresAt
		});
		expect(await authenticateAccessToken(secret, new Date(expiresAt.getTime() - 1))).toBe(owner.id);
		expect(await authenticateAccessToken(secret, expiresAt)).toBeNull();
		expect(await authenticateAccessToken(secret, new Date(expiresAt.getTime() + DAY))).toBeNull();
	});

	it('refuses a revoked token', async () => {
		const owner = await newUser(db);
		const ctx = await contextFor(owner.id);
		const { id, secret } = await createAccessToken(ctx, { name: 'To revoke', expiresAt: null });
		expect(await authenticateAccessToken(secret)).toBe(owner.id);
		await revokeMyAccessToken(ctx, id);
		expect(await authenticateAccessToken(secret)).toBeNull();
		expect((await listMyAccessTokens(ctx)).map((t) => t.id)).not.toContain(id);
	});

	it('refuses the token of a deactivated owner, and accepts it again on reactivation', async () => {
		const owner = await newUser(db);
		const { secret } = await createAccessToken(await contextFor(owner.id), {
			name: 'Owner leaves',
			expiresAt: null
		});
		await db
			.updateTable('users')
			.set({ status: 'deactivated' })
			.where('id', '=', owner.id)
			.execute();
		expect(await authenticateAccessToken(secret)).toBeNull();
		await db.updateTable('users').set({ status: 'active' }).where('id', '=', owner.id).execute();
		expect(await authenticateAccessToken(secret)).toBe(owner.id);
	});
});

describe('revokeMyAccessToken', () => {
	it('revokes the caller’s own token and audits it', async () => {
		const owner = await newUser(db);
		const ctx = await contextFor(owner.id);
		const now = new Date();
		const { id } = await createAccessToken(ctx, { name: 'Old laptop', expiresAt: null });
		await revokeMyAccessToken(ctx, id, now);
		expect((await tokenRow(id)).revokedAt).toEqual(now);
		const audit = await auditFor('token.revoke', id);
		expect(audit).toHaveLength(1);
		expect(audit[0]).toMatchObject({ actorId: owner.id, outcome: 'success' });
		// Revoking twice is "not found", and is not audited again.
		await expect(revokeMyAccessToken(ctx, id)).rejects.toBeInstanceOf(NotFoundError);
		expect(await auditFor('token.revoke', id)).toHaveLength(1);
	});

	it('treats someone else’s token as not found and leaves it working', async () => {
		const owner = await newUser(db);
		const other = await newUser(db);
		const { id, secret } = await createAccessToken(await contextFor(owner.id), {
			name: 'Mine',
			expiresAt: null
		});
		await expect(revokeMyAccessToken(await contextFor(other.id), id)).rejects.toBeInstanceOf(
			NotFoundError
		);
		expect((await tokenRow(id)).revokedAt).toBeNull();
		expect(await authenticateAccessToken(secret)).toBe(owner.id);
		expect(await auditFor('token.revoke', id)).toHaveLength(0);
		await expect(revokeMyAccessToken(await contextFor(other.id), 987_654)).rejects.toBeInstanceOf(
			NotFoundError
		);
	});
});
