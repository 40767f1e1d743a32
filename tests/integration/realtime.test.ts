import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, describe, expect, it } from 'vitest';
import { attachRealtime } from '../../src/lib/server/realtime/attach.ts';
import { registerRealtimeHandlers } from '../../src/lib/server/realtime/handlers.ts';
import { disconnectUser } from '../../src/lib/server/realtime/publish.ts';
import { getRealtimeServer } from '../../src/lib/server/realtime/registry.ts';
import { newUser } from '../factories.ts';
import { createTestDatabase } from './database.ts';
import { sessionTokenFor } from './sessions.ts';

const { db } = await createTestDatabase();
const server = http.createServer();
const io = attachRealtime(server);
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const sockets: Socket[] = [];
const person = await newUser(db);
const token = await sessionTokenFor(db, person.id);

afterAll(async () => {
	for (const s of sockets) s.close();
	await io.close();
});

function client(cookie?: string): Socket {
	const socket = connect(url, {
		path: '/realtime',
		transports: ['websocket'],
		forceNew: true,
		reconnection: false,
		extraHeaders: cookie ? { cookie } : {}
	});
	sockets.push(socket);
	return socket;
}

function connected(socket: Socket): Promise<void> {
	return new Promise((resolve, reject) => {
		socket.once('connect', resolve);
		socket.once('connect_error', reject);
	});
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

	it('answers ping with pong over /realtime for a signed-in person', async () => {
		const socket = client(`commons_session=${token}`);
		expect(await socket.timeout(5000).emitWithAck('ping')).toBe('pong');
	});

	it('ignores a ping without an acknowledgement callback and stays up', async () => {
		const socket = client(`commons_session=${token}`);
		await connected(socket);
		socket.emit('ping');
		expect(await socket.timeout(5000).emitWithAck('ping')).toBe('pong');
	});

	it('refuses a socket without a session, or with an unknown token', async () => {
		await expect(connected(client())).rejects.toThrow('unauthorized');
		await expect(
			connected(client('commons_session=abcdefghijklmnopqrstuvwxyz234567'))
		).rejects.toThrow('unauthorized');
	});

	it('puts the socket in its person’s room, so ending their access closes it at once', async () => {
		const socket = client(`commons_session=${token}`);
		await connected(socket);
		const closed = new Promise<string>((resolve) => socket.once('disconnect', resolve));
		disconnectUser(person.id);
		expect(await closed).toBe('io server disconnect');
	});
});
