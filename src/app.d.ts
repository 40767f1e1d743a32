// See https://svelte.dev/docs/kit/types#app.d.ts
declare global {
	namespace App {
		interface Error {
			message: string;
			/** The request id, shown to people so support can find the log line. */
			id?: string;
		}
		interface Locals {
			requestId: string;
			/** The signed-in person, resolved once per request by the hook; null when anonymous. */
			actor: import('$lib/server/org/actor').Actor | null;
			/** The session's id (hash of its token) when signed in with a cookie. */
			sessionId: string | null;
			/** Set when an error of this request was the database being unreachable (503). */
			databaseUnavailable?: boolean;
		}
	}
}

export {};
