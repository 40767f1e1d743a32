/**
 * Signed one-click unsubscribe links: `/unsubscribe?u=<person>&c=<category>&s=<signature>`, where
 * the signature is an HMAC-SHA256 of the person and category under a key kept in the database
 * (made on first use, shared by every instance). No session is needed: the link itself proves it
 * was sent to that person. `c=digest` stands for the daily digest as a whole.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Database } from '../db/index.ts';
import { getSigningKey } from './preference.repository.ts';

const keys = new WeakMap<Database, Promise<Buffer>>();

export function signingKey(db: Database): Promise<Buffer> {
	let key = keys.get(db);
	if (!key) {
		key = getSigningKey(db, randomBytes(32));
		keys.set(db, key);
		key.catch(() => keys.delete(db));
	}
	return key;
}

export function unsubscribeSignature(key: Buffer, userId: number, category: string): string {
	return createHmac('sha256', key).update(`unsubscribe:${userId}:${category}`).digest('base64url');
}

export function verifyUnsubscribeSignature(
	key: Buffer,
	userId: number,
	category: string,
	signature: string
): boolean {
	const expected = Buffer.from(unsubscribeSignature(key, userId, category));
	const given = Buffer.from(signature);
	return given.length === expected.length && timingSafeEqual(given, expected);
}

export function unsubscribeUrl(
	origin: string,
	key: Buffer,
	userId: number,
	category: string
): string {
	const params = new URLSearchParams({
		u: String(userId),
		c: category,
		s: unsubscribeSignature(key, userId, category)
	});
	return `${origin}/unsubscribe?${params}`;
}
