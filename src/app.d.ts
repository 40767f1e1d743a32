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
		}
	}
}

export {};
