/**
 * A real OpenID Connect provider (the `oidc-provider` package) running in the test process, for
 * proving single sign-on end to end: the e2e run starts one from its global setup (see
 * tests/e2e/global-setup.ts), integration tests start their own on a free port.
 *
 * It has its own small sign-in page instead of oidc-provider's development interactions (which
 * print warnings and need a password field we have no use for): one email field, and the
 * person is signed in and consents in a single step. PKCE is required of every client.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

export type TestAccount = {
	email: string;
	name: string;
	/** Released as the `department` claim (with the profile scope) when set. */
	department?: string;
	/** Released as `email_verified`; leave undefined to omit the claim. */
	emailVerified?: boolean;
};

export type TestClient = { clientId: string; clientSecret: string; redirectUris: string[] };

/** The person the e2e test signs in as: `transport` is a department slug of the demo organisation. */
export const SSO_TEST_ACCOUNT: TestAccount = {
	email: 'sso.tester@commons.test',
	name: 'Sasha Singh-Okafor',
	department: 'transport',
	emailVerified: true
};

export type RunningProvider = { issuer: string; close(): Promise<void> };

function escapeHtml(value: string): string {
	return value.replace(
		/[&<>"']/g,
		(c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!
	);
}

function page(title: string, body: string): string {
	return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · Test identity provider</title></head>
<body><main><h1>${escapeHtml(title)}</h1>${body}</main></body>
</html>`;
}

function signInForm(uid: string, error?: string): string {
	const action = `/interaction/${encodeURIComponent(uid)}`;
	return page(
		'Test identity provider',
		`${error ? `<p role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="${action}">
<label for="email">Email</label>
<input id="email" name="email" type="email" autocomplete="username" required>
<button type="submit">Continue</button>
</form>
<p><a href="${action}/abort">Cancel</a></p>`
	);
}

async function readForm(req: http.IncomingMessage): Promise<URLSearchParams> {
	const chunks: Buffer[] = [];
	for await (const chunk of req) chunks.push(chunk as Buffer);
	return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function send(res: http.ServerResponse, status: number, html: string): void {
	res.writeHead(status, {
		'content-type': 'text/html; charset=utf-8',
		'cache-control': 'no-store'
	});
	res.end(html);
}

type Payload = Record<string, unknown> & { uid?: string; grantId?: string; userCode?: string };

/**
 * The provider's storage: a Map per provider (oidc-provider's own in-memory adapter works too
 * but warns on every start that it is for development).
 */
function memoryAdapter() {
	const store = new Map<string, { payload: Payload; expiresAt: number }>();
	const index = new Map<string, string>();
	const grants = new Map<string, Set<string>>();
	const read = (key: string | undefined) => {
		const entry = key === undefined ? undefined : store.get(key);
		if (!entry || entry.expiresAt > Date.now()) return entry?.payload;
		store.delete(key!);
		return undefined;
	};
	return (model: string) => {
		const key = (id: string) => `${model}:${id}`;
		return {
			async upsert(id: string, payload: Payload, expiresIn?: number) {
				const expiresAt = expiresIn ? Date.now() + expiresIn * 1000 : Infinity;
				store.set(key(id), { payload, expiresAt });
				if (model === 'Session' && payload.uid) index.set(`uid:${payload.uid}`, key(id));
				if (payload.userCode) index.set(`userCode:${payload.userCode}`, key(id));
				if (payload.grantId) {
					const members = grants.get(payload.grantId) ?? new Set();
					grants.set(payload.grantId, members.add(key(id)));
				}
			},
			async find(id: string) {
				return read(key(id));
			},
			async findByUid(uid: string) {
				return read(index.get(`uid:${uid}`));
			},
			async findByUserCode(userCode: string) {
				return read(index.get(`userCode:${userCode}`));
			},
			async consume(id: string) {
				const payload = read(key(id));
				if (payload) payload.consumed = Math.floor(Date.now() / 1000);
			},
			async destroy(id: string) {
				store.delete(key(id));
			},
			async revokeByGrantId(grantId: string) {
				for (const member of grants.get(grantId) ?? []) store.delete(member);
				grants.delete(grantId);
			}
		};
	};
}

/**
 * Starts the provider on `host:port` (port 0: any free port) and resolves once it listens.
 * Quiet: it prints nothing while it works.
 */
export async function startOidcProvider(options: {
	port?: number;
	host?: string;
	clients: TestClient[];
	accounts: TestAccount[];
}): Promise<RunningProvider> {
	const host = options.host ?? '127.0.0.1';
	const accounts = new Map(options.accounts.map((a) => [a.email.toLowerCase(), a]));
	let handle: http.RequestListener = (_req, res) => send(res, 503, page('Starting', ''));
	const server = http.createServer((req, res) => handle(req, res));
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(options.port ?? 0, host, () => {
			server.off('error', reject);
			resolve();
		});
	});
	const { port } = server.address() as AddressInfo;
	const issuer = `http://${host}:${port}`;

	const signingKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
		format: 'jwk'
	});
	const provider = new Provider(issuer, {
		clients: options.clients.map((c) => ({
			client_id: c.clientId,
			client_secret: c.clientSecret,
			redirect_uris: c.redirectUris,
			grant_types: ['authorization_code'],
			response_types: ['code'],
			token_endpoint_auth_method: 'client_secret_basic'
		})),
		async findAccount(_ctx: unknown, id: string) {
			const account = accounts.get(id);
			if (!account) return undefined;
			return {
				accountId: id,
				async claims() {
					return {
						sub: id,
						email: account.email,
						...(account.emailVerified === undefined
							? {}
							: { email_verified: account.emailVerified }),
						name: account.name,
						...(account.department === undefined ? {} : { department: account.department })
					};
				}
			};
		},
		claims: {
			openid: ['sub'],
			email: ['email', 'email_verified'],
			profile: ['name', 'department']
		},
		adapter: memoryAdapter(),
		features: { devInteractions: { enabled: false } },
		pkce: { required: () => true },
		cookies: { keys: [randomBytes(32).toString('hex')] },
		jwks: { keys: [{ ...signingKey, use: 'sig', alg: 'RS256', kid: 'test-key' }] },
		ttl: {
			AccessToken: 600,
			AuthorizationCode: 60,
			IdToken: 600,
			Interaction: 600,
			Grant: 3600,
			Session: 3600
		},
		async renderError(
			ctx: { type: string; body: string },
			out: { error?: string; error_description?: string }
		) {
			ctx.type = 'html';
			ctx.body = page(
				'Sign-in error',
				`<p>${escapeHtml(out.error_description ?? out.error ?? '')}</p>`
			);
		}
	});
	const providerHandler = provider.callback();

	async function interaction(req: http.IncomingMessage, res: http.ServerResponse, path: string) {
		const [, , uid = '', action] = path.split('/');
		if (action === 'abort') {
			await provider.interactionFinished(
				req,
				res,
				{ error: 'access_denied', error_description: 'The person cancelled the sign-in.' },
				{ mergeWithLastSubmission: false }
			);
			return;
		}
		const details = await provider.interactionDetails(req, res);
		if (req.method !== 'POST') return send(res, 200, signInForm(uid));
		const email = ((await readForm(req)).get('email') ?? '').trim().toLowerCase();
		if (!accounts.has(email))
			return send(res, 200, signInForm(uid, 'There is no account for that email.'));
		const grant = new provider.Grant({ accountId: email, clientId: details.params.client_id });
		grant.addOIDCScope(details.params.scope ?? 'openid');
		const grantId = await grant.save();
		await provider.interactionFinished(
			req,
			res,
			{ login: { accountId: email }, consent: { grantId } },
			{ mergeWithLastSubmission: false }
		);
	}

	handle = (req, res) => {
		const path = new URL(req.url ?? '/', issuer).pathname;
		if (!path.startsWith('/interaction/')) return providerHandler(req, res);
		interaction(req, res, path).catch((error: unknown) => {
			if (!res.headersSent)
				send(res, 400, page('Sign-in error', `<p>${escapeHtml(String(error))}</p>`));
			else res.end();
		});
	};

	return {
		issuer,
		close: () =>
			new Promise<void>((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			})
	};
}
