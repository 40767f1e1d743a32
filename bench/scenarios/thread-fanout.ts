/**
 * Live thread delivery: 1,000 socket.io-client connections (one Node process, loopback) have a
 * thread open; a sender posts 200 messages at 20 per second through `thread:send`. For every
 * message at every client it records the time from the send to the receipt, and reports p50, p95
 * and p99 next to the floor: a bare socket.io server in this process broadcasting the same number
 * of messages at the same rate to the same number of clients in one room. It also reports the
 * app's resident memory per open connection.
 *
 * Targets: thread delivery p99 under 100 ms, and under 3x the bare broadcast's p99.
 * Rows: "deliveries/s" stands in the req/s column; latencies are per delivery.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { io as connect, type Socket } from 'socket.io-client';
import type { RunningApp } from '../lib/app.ts';
import { findAppPid, readRss } from '../lib/process.ts';
import { signInCookie } from '../lib/session.ts';
import type { Measurement, Row, Scenario } from '../lib/types.ts';

const CLIENTS = Number(process.env.BENCH_THREAD_CLIENTS ?? 1000);
const MESSAGES = 200;
const PER_SECOND = 20;
const SENDER = 'hannah.fischer@commons.test';
const READER = 'jamal.hassan@commons.test';
const MIB = 1024 * 1024;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function percentile(sorted: number[], p: number): number {
	if (!sorted.length) return 0;
	return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function measurement(latencies: number[], seconds: number, expected: number): Measurement {
	const sorted = [...latencies].sort((a, b) => a - b);
	const round = (n: number) => Math.round(n * 100) / 100;
	return {
		requestsPerSecond: round(latencies.length / seconds),
		latencyMs: {
			mean: round(sorted.reduce((a, b) => a + b, 0) / Math.max(1, sorted.length)),
			p50: round(percentile(sorted, 50)),
			p95: round(percentile(sorted, 95)),
			p99: round(percentile(sorted, 99)),
			max: round(sorted.at(-1) ?? 0)
		},
		responses: latencies.length,
		errors: expected - latencies.length,
		non2xx: 0,
		socketErrors: 0,
		timeouts: expected - latencies.length,
		statusCodes: {},
		bytesPerSecond: 0,
		durationSeconds: round(seconds),
		connections: CLIENTS
	};
}

async function openClients(url: string, cookie: string | undefined, count: number) {
	const sockets: Socket[] = [];
	// Connect in batches: a thousand handshakes at once would measure the kernel's backlog.
	for (let i = 0; i < count; i += 50) {
		const batch = Array.from({ length: Math.min(50, count - i) }, () => {
			const socket = connect(url, {
				path: '/realtime',
				transports: ['websocket'],
				forceNew: true,
				reconnection: false,
				extraHeaders: cookie ? { cookie } : {}
			});
			sockets.push(socket);
			return new Promise<void>((resolve, reject) => {
				socket.once('connect', () => resolve());
				socket.once('connect_error', reject);
			});
		});
		await Promise.all(batch);
	}
	return sockets;
}

/** Sends MESSAGES at PER_SECOND and waits until every client has every one (or 30 s). */
async function drive(
	clients: Socket[],
	event: string,
	keyOf: (payload: unknown) => string,
	send: (key: string) => void
): Promise<{ latencies: number[]; seconds: number }> {
	const sentAt = new Map<string, number>();
	const latencies: number[] = [];
	for (const socket of clients)
		socket.on(event, (payload: unknown) => {
			const at = sentAt.get(keyOf(payload));
			if (at !== undefined) latencies.push(performance.now() - at);
		});
	const started = performance.now();
	for (let i = 0; i < MESSAGES; i++) {
		const key = randomUUID();
		sentAt.set(key, performance.now());
		send(key);
		await sleep(1000 / PER_SECOND);
	}
	const expected = MESSAGES * clients.length;
	for (let waited = 0; waited < 30_000 && latencies.length < expected; waited += 50)
		await sleep(50);
	return { latencies, seconds: (performance.now() - started) / 1000 };
}

async function bareBroadcast(): Promise<Row> {
	const server = http.createServer();
	const io = new Server(server, { path: '/realtime', serveClient: false });
	io.on('connection', (socket) => void socket.join('room'));
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	const clients = await openClients(url, undefined, CLIENTS);
	await sleep(200);
	const { latencies, seconds } = await drive(
		clients,
		'message',
		(payload) => (payload as { key: string }).key,
		(key) => io.to('room').emit('message', { key })
	);
	for (const s of clients) s.close();
	await io.close();
	return {
		name: 'bare broadcast',
		path: 'socket.io room',
		baseline: true,
		measurement: measurement(latencies, seconds, MESSAGES * CLIENTS)
	};
}

async function threadDelivery(app: RunningApp, log: (m: string) => void): Promise<Row> {
	const senderCookie = await signInCookie(app, SENDER);
	const readerCookie = await signInCookie(app, READER);
	const created = await fetch(`${app.url}/api/v1/threads`, {
		method: 'POST',
		headers: { cookie: senderCookie, 'content-type': 'application/json' },
		body: JSON.stringify({ title: 'Benchmark thread', home: 'organisation' })
	});
	if (!created.ok) throw new Error(`could not create the thread: ${created.status}`);
	const { id: threadId } = (await created.json()) as { id: number };

	const pid = findAppPid(app);
	const rssBefore = pid === null ? null : readRss(pid);
	const clients = await openClients(app.url, readerCookie, CLIENTS);
	await Promise.all(clients.map((s) => s.timeout(30_000).emitWithAck('thread:join', { threadId })));
	const rssAfter = pid === null ? null : readRss(pid);
	const perConnection =
		rssBefore !== null && rssAfter !== null ? (rssAfter - rssBefore) / CLIENTS : null;
	if (perConnection !== null)
		log(
			`app memory: ${(rssBefore! / MIB).toFixed(0)} MiB idle, ${(rssAfter! / MIB).toFixed(0)} MiB with ${CLIENTS} connections: ${(perConnection / 1024).toFixed(1)} KiB per connection`
		);

	const [sender] = await openClients(app.url, senderCookie, 1);
	let refused = 0;
	const { latencies, seconds } = await drive(
		clients,
		'thread:message',
		(payload) => (payload as { clientKey: string }).clientKey,
		(key) =>
			sender!.emit(
				'thread:send',
				{ threadId, clientKey: key, body: `Message ${key}` },
				(ack: { ok: boolean }) => {
					if (!ack.ok) refused++;
				}
			)
	);
	if (refused) log(`warning: ${refused} sends were refused`);
	for (const s of [...clients, sender!]) s.close();
	return {
		name: 'thread delivery',
		path: 'thread:send',
		baseline: false,
		measurement: measurement(latencies, seconds, MESSAGES * CLIENTS),
		...(perConnection === null ? {} : { memoryPerConnectionBytes: Math.round(perConnection) })
	} as Row;
}

const scenario: Scenario = {
	name: 'thread-fanout',
	description: `${MESSAGES} thread messages at ${PER_SECOND}/s to ${CLIENTS} open sockets, send to receipt, next to a bare socket.io broadcast`,
	async run(ctx) {
		ctx.log(`bare broadcast to ${CLIENTS} clients…`);
		const floor = await bareBroadcast();
		// The sender is one person sending 20 messages a second: lift the burst limit for it.
		const app = await ctx.startApp({ env: { THREAD_MESSAGE_BURST: '1000' } });
		ctx.log(`thread delivery to ${CLIENTS} clients…`);
		const delivery = await threadDelivery(app, (m) => ctx.log(m));
		const p99 = delivery.measurement.latencyMs.p99;
		ctx.log(
			`thread delivery p99 ${p99} ms (target under 100 ms and under 3x the floor's ${floor.measurement.latencyMs.p99} ms): ${p99 < 100 && p99 < 3 * floor.measurement.latencyMs.p99 ? 'met' : 'NOT met'}`
		);
		return [floor, delivery];
	}
};

export default scenario;
