import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, describe, expect, it } from 'vitest';
import { attachRealtime } from '../../src/lib/server/realtime/attach.ts';
import { registerRealtimeHandlers } from '../../src/lib/server/realtime/handlers.ts';
import { getRealtimeServer } from '../../src/lib/server/realtime/registry.ts';

const server = http.createServer();
const io = attachRealtime(server);
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const sockets: Socket[] = [];

afterAll(async () => {
	for (const s of sockets) s.close();
	await io.close();
});

function client(): Socket {
	const socket = connect(url, { path: '/realtime', transports: ['websocket'], forceNew: true });
	sockets.push(socket);
	return socket;
}

describe('realtime wiring', () => {
	it('keeps one server per process on the shared symbol, whoever attaches', () => {
		expect(getRealtimeServer()).toBe(io);
		expect(attachRealtime(http.createServer())).toBe(io);
	});

	it('registers handlers once, however often the bundle calls it', () => {
		expect(registerRealtimeHandlers()).toBe(true);
		expect(registerRealtimeHandlers()).toBe(false);
		expect(io.listeners('connection')).toHaveLength(1);
	});

	it('answers ping with pong over /realtime', async () => {
		const socket = client();
		const reply = await socket.timeout(5000).emitWithAck('ping');
		expect(reply).toBe('pong');
	});

	it('ignores a ping without an acknowledgement callback and stays up', async () => {
		const socket = client();
		await new Promise<void>((resolve) => socket.on('connect', () => resolve()));
		socket.emit('ping');
		expect(await socket.timeout(5000).emitWithAck('ping')).toBe('pong');
	});
});
