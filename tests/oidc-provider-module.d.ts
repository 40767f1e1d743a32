/**
 * The few parts of `oidc-provider` (a dev dependency that ships no types) the test identity
 * provider in tests/oidc-provider.ts uses.
 */
declare module 'oidc-provider' {
	import type { IncomingMessage, ServerResponse } from 'node:http';

	type Handler = (req: IncomingMessage, res: ServerResponse) => void;

	export type InteractionDetails = {
		uid: string;
		prompt: { name: string; details: Record<string, unknown> };
		params: Record<string, unknown> & { client_id: string; scope?: string };
		session?: { accountId?: string };
	};

	export interface Grant {
		addOIDCScope(scope: string): void;
		addOIDCClaims(claims: string[]): void;
		save(): Promise<string>;
	}

	export class Provider {
		constructor(issuer: string, configuration: Record<string, unknown>);
		readonly Grant: new (properties: { accountId: string; clientId: string }) => Grant;
		callback(): Handler;
		interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<InteractionDetails>;
		interactionFinished(
			req: IncomingMessage,
			res: ServerResponse,
			result: Record<string, unknown>,
			options?: { mergeWithLastSubmission?: boolean }
		): Promise<void>;
		on(event: string, listener: (...args: unknown[]) => void): this;
	}

	export default Provider;
}
