/**
 * A small reverse proxy in front of several app instances, as a deployment puts nginx or a load
 * balancer there, run as a process of its own (`node bench/lib/day/proxy.ts <port> <target>…`)
 * so its CPU is not the load generator's. http-proxy-3 (a maintained rewrite of http-proxy)
 * forwards pages and WebSocket upgrades alike.
 *
 * Sticky sessions: a request with a session cookie always goes to the instance its cookie hashes
 * to, so a person's pages and socket (and socket.io's long-polling fallback, whose requests must
 * meet the same process) stay on one instance; requests without one (the sign-in form) take
 * turns. `startProxy` runs it and waits until it listens.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { Duplex } from 'node:stream';

const SESSION_COOKIE = /(?:^|;\s*)(?:__Host-)?commons_session=([^;]+)/;

export function pickTarget(targets: string[], cookie: string | undefined, turn: number): string {
	const session = cookie ? SESSION_COOKIE.exec(cookie)?.[1] : undefined;
	if (!session) return targets[turn % targets.length]!;
	const hash = createHash('sha1').update(session).digest().readUInt32BE(0);
	return targets[hash % targets.length]!;
}

async function serve(port: number, targets: string[]): Promise<void> {
	const { createProxyServer } = await import('http-proxy-3');
	const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
	const proxy = createProxyServer({ xfwd: true, agent });
	let turn = 0;
	proxy.on('error', (_error, _req, res) => {
		if (res && 'writeHead' in res && !res.headersSent) {
			res.writeHead(502, { 'content-type': 'text/plain' });
			res.end('Bad gateway');
		} else (res as Duplex | undefined)?.destroy();
	});
	const server = http.createServer((req, res) => {
		proxy.web(req, res, { target: pickTarget(targets, req.headers.cookie, turn++) });
	});
	server.on('upgrade', (req, socket, head) => {
		proxy.ws(req, socket, head, { target: pickTarget(targets, req.headers.cookie, turn++) });
	});
	server.listen(port, '127.0.0.1', () => console.log(`proxy listening on ${port}`));
	process.on('SIGTERM', () => {
		server.closeAllConnections();
		server.close(() => process.exit(0));
	});
}

export type RunningProxy = { url: string; pid: number; stop(): Promise<void> };

/** Starts the proxy as a child process on `port` and resolves once it listens. */
export async function startProxy(port: number, targets: string[]): Promise<RunningProxy> {
	const child = spawn(process.execPath, [import.meta.filename, String(port), ...targets], {
		stdio: ['ignore', 'pipe', 'inherit']
	});
	await new Promise<void>((resolve, reject) => {
		child.once('exit', (code) => reject(new Error(`the proxy exited with ${code}`)));
		child.stdout!.on('data', (chunk: Buffer) => {
			if (chunk.toString().includes('proxy listening')) resolve();
		});
	});
	return {
		url: `http://127.0.0.1:${port}`,
		pid: child.pid!,
		stop: () =>
			new Promise<void>((resolve) => {
				if (child.exitCode !== null) return resolve();
				child.once('exit', () => resolve());
				child.kill('SIGTERM');
			})
	};
}

if (import.meta.main) {
	const [port, ...targets] = process.argv.slice(2);
	if (!port || !targets.length) {
		console.error('usage: node bench/lib/day/proxy.ts <port> <target url>…');
		process.exit(2);
	}
	await serve(Number(port), targets);
}
