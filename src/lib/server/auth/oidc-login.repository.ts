import type { Database } from '../db/index.ts';

/** A single sign-on in progress: what the callback needs to finish it. */
export type OidcLoginRecord = {
	state: string;
	codeVerifier: string;
	nonce: string;
	returnTo: string;
	createdAt: Date;
};

export async function insertOidcLogin(db: Database, values: OidcLoginRecord): Promise<void> {
	await db.insertInto('oidcLogin').values(values).execute();
}

/**
 * Removes the pending sign-on for `state` and returns it. The delete is the claim: of two
 * callbacks racing with the same state, only one gets the row.
 */
export async function takeOidcLogin(
	db: Database,
	state: string
): Promise<OidcLoginRecord | undefined> {
	return db
		.deleteFrom('oidcLogin')
		.where('state', '=', state)
		.returning(['state', 'codeVerifier', 'nonce', 'returnTo', 'createdAt'])
		.executeTakeFirst();
}

/** Forgets sign-ons started before `cutoff` that never came back. Returns how many. */
export async function deleteOidcLoginsBefore(db: Database, cutoff: Date): Promise<number> {
	const result = await db
		.deleteFrom('oidcLogin')
		.where('createdAt', '<', cutoff)
		.executeTakeFirst();
	return Number(result.numDeletedRows);
}
