/**
 * Password hashing with Argon2id at OWASP's recommended minimum (19 MiB, 2 passes, 1 lane).
 *
 * Each hash holds 19 MiB for ~25 ms, so hashing runs through a small gate: at most
 * HASH_CONCURRENCY at once (memory stays under HASH_CONCURRENCY x 19 MiB however many sign-ins
 * arrive), at most HASH_QUEUE_LIMIT waiting; beyond that callers get BusyError at once.
 */
import { hash, verify } from '@node-rs/argon2';
import { BusyError } from '../errors.ts';

export const ARGON2_OPTIONS = {
	algorithm: 2, // Argon2id
	memoryCost: 19_456,
	timeCost: 2,
	parallelism: 1
} as const;

export const HASH_CONCURRENCY = 2;
export const HASH_QUEUE_LIMIT = 64;

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;

let running = 0;
const waiting: (() => void)[] = [];

async function gated<T>(work: () => Promise<T>): Promise<T> {
	if (running < HASH_CONCURRENCY) {
		running++;
	} else {
		if (waiting.length >= HASH_QUEUE_LIMIT) {
			throw new BusyError(
				'Too many people are signing in right now. Please try again in a moment.'
			);
		}
		// The finishing task hands its slot straight to us, so `running` never exceeds the limit.
		await new Promise<void>((resolve) => waiting.push(resolve));
	}
	try {
		return await work();
	} finally {
		const next = waiting.shift();
		if (next) next();
		else running--;
	}
}

export function hashPassword(password: string): Promise<string> {
	return gated(() => hash(password, ARGON2_OPTIONS));
}

export function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
	return gated(async () => {
		try {
			return await verify(passwordHash, password);
		} catch {
			return false;
		}
	});
}

let dummyHash: Promise<string> | undefined;

/**
 * Verifies against a throwaway hash, so an unknown email takes as long as a wrong password
 * and response time does not reveal which accounts exist.
 */
export async function verifyAgainstDummy(password: string): Promise<false> {
	dummyHash ??= hash('commons-dummy-password-for-timing', ARGON2_OPTIONS);
	await verifyPassword(await dummyHash, password);
	return false;
}
