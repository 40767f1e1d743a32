/**
 * The simulated browsers' HTTP: node:http on one keep-alive agent (a browser keeps a few
 * connections open; a thousand of them would only measure the kernel), timing each request from
 * being sent to the last byte of its body.
 */
import http from 'node:http';

export type HttpResult = {
	status: number;
	ms: number;
	bytes: number;
	/** `name=value` of the first Set-Cookie, when there is one. */
	cookie: string | null;
	/** The body, when asked for (`text: true`). */
	text: string | null;
	/** No response at all (connection refused or reset, timeout). */
	failed: boolean;
};

export type HttpRequest = {
	method?: 'GET' | 'POST';
	path: string;
	cookie?: string | null;
	/** A form (URL-encoded) or JSON body. */
	form?: Record<string, string>;
	json?: unknown;
	text?: boolean;
};

const TIMEOUT_MS = 30_000;

export class HttpClient {
	readonly #agent = new http.Agent({ keepAlive: true, maxSockets: 512 });
	readonly #base: URL;

	constructor(baseUrl: string) {
		this.#base = new URL(baseUrl);
	}

	get origin(): string {
		return this.#base.origin;
	}

	request(req: HttpRequest): Promise<HttpResult> {
		const headers: Record<string, string> = {
			'user-agent': 'Mozilla/5.0 (commons-bench day)',
			accept: req.json === undefined ? 'text/html' : 'application/json',
			'accept-encoding': 'identity'
		};
		if (req.cookie) headers.cookie = req.cookie;
		let body: string | undefined;
		if (req.form) {
			body = new URLSearchParams(req.form).toString();
			headers['content-type'] = 'application/x-www-form-urlencoded';
			headers.origin = this.#base.origin;
		} else if (req.json !== undefined) {
			body = JSON.stringify(req.json);
			headers['content-type'] = 'application/json';
			headers.origin = this.#base.origin;
		}
		if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
		const started = performance.now();
		return new Promise((resolve) => {
			const done = (result: Omit<HttpResult, 'ms'>) =>
				resolve({ ...result, ms: performance.now() - started });
			const request = http.request(
				{
					host: this.#base.hostname,
					port: this.#base.port,
					path: req.path,
					method: req.method ?? (body === undefined ? 'GET' : 'POST'),
					headers,
					agent: this.#agent,
					timeout: TIMEOUT_MS
				},
				(response) => {
					const chunks: Buffer[] = [];
					let bytes = 0;
					response.on('data', (chunk: Buffer) => {
						bytes += chunk.length;
						if (req.text) chunks.push(chunk);
					});
					response.on('end', () => {
						const setCookie = response.headers['set-cookie']?.[0];
						done({
							status: response.statusCode ?? 0,
							bytes,
							cookie: setCookie ? setCookie.split(';')[0]! : null,
							text: req.text ? Buffer.concat(chunks).toString('utf8') : null,
							failed: false
						});
					});
					response.on('error', () =>
						done({ status: 0, bytes, cookie: null, text: null, failed: true })
					);
				}
			);
			request.on('timeout', () => request.destroy(new Error('timeout')));
			request.on('error', () =>
				done({ status: 0, bytes: 0, cookie: null, text: null, failed: true })
			);
			request.end(body);
		});
	}

	close(): void {
		this.#agent.destroy();
	}
}
