/**
 * The chaos test: a client receives 2,000 messages while its connection is cut again and again
 * and the app instance it talks to is killed and started again once. It catches up the way the
 * browser does (after every connect, "everything after the last sequence I hold") and must end
 * with exactly the 2,000 messages, in order.
 *
 * The instance the client uses runs in another process (tests/integration/realtime-instance.ts);
 * messages are posted through this process, and reach it through the Postgres adapter.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/lib/server/db/embedded.ts';
import { attachRealtime } from '../../src/lib/server/realtime/attach.ts';
import { useClusterAdapter } from '../../src/lib/server/realtime/cluster.ts';
import { resetMessageRateForTests } from '../../src/lib/server/threads/message-rate.ts';
import { postMessage } from '../../src/lib/server/threads/message.service.ts';
import { startThread } from '../../src/lib/server/threads/thread.service.ts';
import { syncedSeq } from '../../src/lib/shared/thread-sequence.ts';
import type { MessageView } from '../../src/lib/shared/threads.ts';
import { contextFor, newDepartment, newUser } from '../factories.ts';
import { createTestDatabase } from './database.ts';
import { sessionTokenFor } from './sessions.ts';

const TOTAL = 2000;

const { db, url: databaseUrl } = await createTestDatabase();
// This process only publishes; its socket.io server exists to reach the adapter.
const io = attachRealtime(http.createServer());
const adapterPool = useClusterAdapter(io, databaseUrl);
let instance: ChildProcess | undefined;

afterAll(async () => {
	instance?.kill('SIGKILL');
	await io.close();
	await adapterPool.end();
});

async function startInstance(port: number): Promise<ChildProcess> {
	const child = spawn(process.execPath, ['tests/integration/realtime-instance.ts'], {
		env: {
			...process.env,
			DATABASE_URL: databaseUrl,
			LOG_LEVEL: 'silent',
			NODE_ENV: 'test',
			INSTANCE_PORT: String(port)
		},
		stdio: ['ignore', 'pipe', 'inherit']
	});
	await new Promise<void>((resolve, reject) => {
		let output = '';
		child.stdout!.on('data', (chunk: Buffer) => {
			output += chunk.toString();
			if (/listening \d+/.test(output)) resolve();
		});
		child.once('exit', (code) => reject(new Error(`instance exited with ${code}`)));
	});
	return child;
}

describe('chaos', () => {
	it('delivers 2,000 messages exactly once, in order, through cuts and a restart', async () => {
		const department = await newDepartment(db);
		const sender = await newUser(db, { departmentId: department.id });
		const reader = await newUser(db, { departmentId: department.id });
		const thread = await startThread(await contextFor(db, sender.id), {
			title: 'Chaos',
			home: department.id,
			announceOnly: false
		});
		const port = await freePort();
		instance = await startInstance(port);

		// The client: reconnects by itself; on every connect asks for what it has not got.
		const held = new Map<number, MessageView>();
		let deliveries = 0;
		// As the browser does: ask after the last message held without a gap before it, never
		// after the newest held (a live message can arrive while a catch-up is cut short).
		const synced = () => syncedSeq([...held.keys()].sort((a, b) => a - b));
		const newest = () => (held.size ? Math.max(...held.keys()) : 0);
		const token = await sessionTokenFor(db, reader.id);
		const socket: Socket = connect(`http://127.0.0.1:${port}`, {
			path: '/realtime',
			transports: ['websocket'],
			forceNew: true,
			reconnectionDelay: 50,
			reconnectionDelayMax: 200,
			extraHeaders: { cookie: `commons_session=${token}` }
		});
		const merge = (messages: MessageView[]) => {
			for (const m of messages) {
				deliveries++;
				held.set(m.seq, m);
			}
		};
		let catchingUp = false;
		const catchUp = async (join: boolean) => {
			if (catchingUp && !join) return;
			catchingUp = true;
			try {
				let more = true;
				let first = join;
				while ((more || synced() < newest()) && socket.connected) {
					const result = await socket
						.timeout(5000)
						.emitWithAck(first ? 'thread:join' : 'thread:sync', {
							threadId: thread.id,
							afterSeq: synced()
						});
					first = false;
					if (!result.ok) return;
					merge(result.data.messages);
					more = result.data.hasMore;
				}
			} catch {
				// Cut mid-request: the next connect or live message catches up again.
			} finally {
				catchingUp = false;
			}
		};
		socket.on('thread:message', (m: MessageView) => {
			merge([m]);
			if (synced() < newest()) void catchUp(false);
		});
		socket.on('connect', () => void catchUp(true));
		await new Promise<void>((resolve) => socket.once('connect', () => resolve()));

		// The sender posts steadily; meanwhile the connection is cut every 150 ms and the
		// instance is restarted once, a third of the way through.
		const ctx = await contextFor(db, sender.id);
		let cuts = 0;
		const cutter = setInterval(() => {
			socket.io.engine?.close();
			cuts++;
		}, 150);
		let restarted = false;
		for (let i = 1; i <= TOTAL; i++) {
			// One sender at full speed: the per-person burst limit is not what this test is about.
			resetMessageRateForTests();
			await postMessage(ctx, {
				threadId: thread.id,
				clientKey: randomUUID(),
				body: `message ${i}`
			});
			if (i === Math.floor(TOTAL / 3)) {
				instance.kill('SIGKILL');
				instance = await startInstance(port);
				restarted = true;
			}
		}
		clearInterval(cutter);
		// Once the cuts stop, the client settles and catches up with the end.
		for (let waited = 0; waited < 20_000 && held.size < TOTAL; waited += 100)
			await new Promise((resolve) => setTimeout(resolve, 100));
		socket.close();

		expect(restarted).toBe(true);
		expect(cuts).toBeGreaterThan(5);
		expect([...held.keys()].sort((a, b) => a - b)).toEqual(
			Array.from({ length: TOTAL }, (_, i) => i + 1)
		);
		const ordered = [...held.values()].sort((a, b) => a.seq - b.seq);
		expect(ordered.every((m, i) => m.bodySource === `message ${i + 1}`)).toBe(true);
		// Some arrived twice (live and in a catch-up); merging by sequence keeps each once.
		expect(deliveries).toBeGreaterThanOrEqual(TOTAL);
	}, 180_000);
});
