import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, describe, expect, it } from 'vitest';
import { hashToken } from '../../src/lib/server/auth/token.ts';
import { attachRealtime } from '../../src/lib/server/realtime/attach.ts';
import { registerRealtimeHandlers } from '../../src/lib/server/realtime/handlers.ts';
import { disconnectUser } from '../../src/lib/server/realtime/publish.ts';
import { getRealtimeServer } from '../../src/lib/server/realtime/registry.ts';
import { closeSocketsOfEndedSessions } from '../../src/lib/server/realtime/session-expiry.ts';
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

	it('closes, within its sweep, a socket whose session ran out, and keeps the others', async () => {
		const [idle, aged, valid] = await Promise.all([
			sessionTokenFor(db, person.id),
			sessionTokenFor(db, person.id),
			sessionTokenFor(db, person.id)
		]);
		const sockets = [idle, aged, valid].map((t) => client(`commons_session=${t}`));
		await Promise.all(sockets.map(connected));
		const reasons = sockets.map(
			(s) => new Promise<string>((resolve) => s.once('disconnect', resolve))
		);
		const past = new Date(Date.now() - 1000);
		await db
			.updateTable('session')
			.set({ idleExpiresAt: past })
			.where('id', '=', hashToken(idle))
			.execute();
		await db
			.updateTable('session')
			.set({ absoluteExpiresAt: past })
			.where('id', '=', hashToken(aged))
			.execute();

		expect(await closeSocketsOfEndedSessions(io)).toBe(2);
		expect(await reasons[0]).toBe('io server disconnect');
		expect(await reasons[1]).toBe('io server disconnect');
		expect(await sockets[2]!.timeout(5000).emitWithAck('ping')).toBe('pong');
		expect(sockets[2]!.connected).toBe(true);
	});

	it('refuses an event from a socket whose session has ended, and closes it', async () => {
		const ending = await sessionTokenFor(db, person.id);
		const socket = client(`commons_session=${ending}`);
		await connected(socket);
		const closed = new Promise<string>((resolve) => socket.once('disconnect', resolve));
		// Ended in the database only (as time does): no sign-out closed the socket.
		await db
			.updateTable('session')
			.set({ idleExpiresAt: new Date(Date.now() - 1000) })
			.where('id', '=', hashToken(ending))
			.execute();

		const answer = await socket
			.timeout(5000)
			.emitWithAck('feed:watch-department', { departmentId: person.departmentId });
		expect(answer).toEqual({
			ok: false,
			error: { code: 'unauthorized', message: 'Sign in again.' }
		});
		expect(await closed).toBe('io server disconnect');
	});

	it('counts an event as activity: the session idles out later, as after a page', async () => {
		const active = await sessionTokenFor(db, person.id);
		const socket = client(`commons_session=${active}`);
		await connected(socket);
		const soon = new Date(Date.now() + 60_000);
		await db
			.updateTable('session')
			.set({ lastSeenAt: new Date(Date.now() - 3_600_000), idleExpiresAt: soon })
			.where('id', '=', hashToken(active))
			.execute();

		const answer = await socket
			.timeout(5000)
			.emitWithAck('feed:watch-department', { departmentId: person.departmentId });
		expect(answer).toMatchObject({ ok: true });
		const row = await db
			.selectFrom('session')
			.select('idleExpiresAt')
			.where('id', '=', hashToken(active))
			.executeTakeFirstOrThrow();
		expect(row.idleExpiresAt.getTime()).toBeGreaterThan(soon.getTime() + 3_600_000);
	});
});
