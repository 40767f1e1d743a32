/**
 * Live threads over real socket.io connections on a real database: who may join, ordering by
 * per-thread sequence, idempotent retries, catching up after a disconnect, bad payloads, the
 * burst limit, and a second app instance (another process) sharing the same PostgreSQL.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHash, randomUUID } from 'node:crypto';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { attachRealtime } from '../../src/lib/server/realtime/attach.ts';
import { useClusterAdapter } from '../../src/lib/server/realtime/cluster.ts';
import { registerRealtimeHandlers } from '../../src/lib/server/realtime/handlers.ts';
import { resetMessageRateForTests } from '../../src/lib/server/threads/message-rate.ts';
import { getThreadPage, postMessage } from '../../src/lib/server/threads/message.service.ts';
import {
	listMyThreads,
	markRead,
	openPostThread,
	startThread
} from '../../src/lib/server/threads/thread.service.ts';
import { signOutOtherSessions } from '../../src/lib/server/auth/session.service.ts';
import { createPost } from '../../src/lib/server/feeds/post.service.ts';
import { updateDepartment } from '../../src/lib/server/org/departments.service.ts';
import { updatePerson } from '../../src/lib/server/org/people.service.ts';
import { NotFoundError } from '../../src/lib/server/errors.ts';
import { UNSTORABLE_MESSAGE } from '../../src/lib/server/validation.ts';
import type { MessageView } from '../../src/lib/shared/threads.ts';
import { contextFor, grantRole, newDepartment, newUser } from '../factories.ts';
import { createTestDatabase } from './database.ts';
import { sessionTokenFor } from './sessions.ts';

const { db, url: databaseUrl } = await createTestDatabase();
const server = http.createServer();
const io = attachRealtime(server);
const adapterPool = useClusterAdapter(io, databaseUrl);
registerRealtimeHandlers();
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const sockets: Socket[] = [];
const children: ChildProcess[] = [];

afterAll(async () => {
	for (const s of sockets) s.close();
	for (const c of children) c.kill('SIGKILL');
	await io.close();
	await adapterPool.end();
});
beforeEach(() => resetMessageRateForTests());

type Ack<T> = { ok: true; data: T } | { ok: false; error: { code: string; message: string } };

/** A signed-in socket that records every message it hears, by thread. */
async function client(userId: number, target = url) {
	const token = await sessionTokenFor(db, userId);
	const socket = connect(target, {
		path: '/realtime',
		transports: ['websocket'],
		forceNew: true,
		reconnection: false,
		extraHeaders: { cookie: `commons_session=${token}` }
	});
	sockets.push(socket);
	const heard: MessageView[] = [];
	socket.on('thread:message', (m: MessageView) => heard.push(m));
	const sessionId = createHash('sha256').update(token).digest('hex');
	await new Promise<void>((resolve, reject) => {
		socket.once('connect', resolve);
		socket.once('connect_error', reject);
	});
	const call = <T>(event: string, payload: unknown) =>
		socket.timeout(10_000).emitWithAck(event, payload) as Promise<Ack<T>>;
	return { socket, heard, call, sessionId };
}

async function eventually(probe: () => boolean, what: string, ms = 5000): Promise<void> {
	for (let waited = 0; waited < ms; waited += 25) {
		if (probe()) return;
		await new Promise((resolve) => setTimeout(resolve, 25));
	}
	throw new Error(`timed out waiting for ${what}`);
}

const agency = await newDepartment(db, { slug: 'th-agency' });
const team = await newDepartment(db, { slug: 'th-team', parentId: agency.id });
const secret = await newDepartment(db, {
	slug: 'th-secret',
	parentId: agency.id,
	visibility: 'members-only'
});
const alice = await newUser(db, { departmentId: team.id, name: 'Alice Team' });
const bob = await newUser(db, { departmentId: team.id, name: 'Bob Team' });
const carol = await newUser(db, { departmentId: agency.id, name: 'Carol Agency' });
const spy = await newUser(db, { departmentId: secret.id, name: 'Sam Secret' });
const manager = await newUser(db, { departmentId: team.id, name: 'Mo Manager' });
await grantRole(db, manager.id, 'manager', team.id);

async function newThread(
	by: { id: number },
	home: number | 'organisation',
	announceOnly = false,
	title = `Thread ${randomUUID().slice(0, 8)}`
) {
	return startThread(await contextFor(db, by.id), { title, home, announceOnly });
}

const send = (
	c: Awaited<ReturnType<typeof client>>,
	threadId: number,
	body: string,
	key = randomUUID()
) =>
	c.call<{ message: MessageView; duplicate: boolean }>('thread:send', {
		threadId,
		clientKey: key,
		body
	});

describe('joining', () => {
	it('lets people who may see a thread join, refuses (and audits) the rest', async () => {
		const hidden = await newThread(spy, secret.id);
		const outsider = await client(alice.id);
		const refused = await outsider.call('thread:join', { threadId: hidden.id });
		expect(refused).toMatchObject({ ok: false, error: { code: 'not_found' } });
		const audit = await db
			.selectFrom('auditEvent')
			.where('action', '=', 'thread.join')
			.where('objectId', '=', String(hidden.id))
			.selectAll()
			.execute();
		expect(audit).toMatchObject([{ actorId: alice.id, outcome: 'denied' }]);
		// Not in the room: a message there never reaches the outsider.
		const member = await client(spy.id);
		expect(await member.call('thread:join', { threadId: hidden.id })).toMatchObject({ ok: true });
		await send(member, hidden.id, 'Eyes only');
		await eventually(() => member.heard.length === 1, 'the member hearing it');
		await new Promise((resolve) => setTimeout(resolve, 200));
		expect(outsider.heard).toEqual([]);
	});

	it('answers malformed payloads with an error ack and keeps serving', async () => {
		const c = await client(alice.id);
		for (const payload of [
			null,
			'x',
			{ threadId: 'abc' },
			{ threadId: -1 },
			[],
			{ threadId: 1e30 }
		]) {
			const result = await c.call('thread:join', payload);
			expect(result).toMatchObject({ ok: false, error: { code: 'bad_request' } });
		}
		const thread = await newThread(alice, team.id);
		expect(await c.call('thread:send', { threadId: thread.id, body: 'no key' })).toMatchObject({
			ok: false,
			error: { code: 'bad_request' }
		});
		expect(
			await c.call('thread:send', { threadId: thread.id, clientKey: randomUUID(), body: '   ' })
		).toMatchObject({
			ok: false,
			error: { code: 'bad_request', message: 'Write a message first.' }
		});
		expect(
			await c.call('thread:send', {
				threadId: thread.id,
				clientKey: randomUUID(),
				body: 'x'.repeat(10_001)
			})
		).toMatchObject({ ok: false, error: { code: 'bad_request' } });
		// What PostgreSQL cannot store is refused with a reason, as over HTTP, not a server error.
		for (const body of ['before\u0000after', 'half an emoji \ud83d'])
			expect(
				await c.call('thread:send', { threadId: thread.id, clientKey: randomUUID(), body })
			).toMatchObject({ ok: false, error: { code: 'bad_request', message: UNSTORABLE_MESSAGE } });
		// Events without an acknowledgement callback do not crash anything either.
		c.socket.emit('thread:send', { threadId: thread.id });
		c.socket.emit('thread:typing', 'garbage');
		expect(await c.socket.timeout(5000).emitWithAck('ping')).toBe('pong');
	});
});

describe('messages', () => {
	it('get gap-free sequence numbers, and every client hears every message once', async () => {
		const thread = await newThread(carol, 'organisation');
		const people = await Promise.all([alice, bob, carol].map((p) => client(p.id)));
		for (const c of people) await c.call('thread:join', { threadId: thread.id });
		const results = await Promise.all(
			people.flatMap((c, i) =>
				Array.from({ length: 5 }, (_, n) => send(c, thread.id, `person ${i} message ${n}`))
			)
		);
		expect(results.every((r) => r.ok)).toBe(true);
		for (const c of people) {
			await eventually(() => c.heard.length === 15, 'all 15 messages');
			// Broadcasts of simultaneous sends may cross on the wire; the sequence numbers are the
			// order, and clients merge by them.
			expect(c.heard.map((m) => m.seq).sort((a, b) => a - b)).toEqual(
				Array.from({ length: 15 }, (_, i) => i + 1)
			);
		}
	});

	it('store a retried send once and tell the sender it was a duplicate', async () => {
		const thread = await newThread(alice, team.id);
		const sender = await client(alice.id);
		const listener = await client(bob.id);
		await listener.call('thread:join', { threadId: thread.id });
		const key = randomUUID();
		const [first, second] = await Promise.all([
			send(sender, thread.id, 'Only once', key),
			send(sender, thread.id, 'Only once', key)
		]);
		const third = await send(sender, thread.id, 'Only once', key);
		const outcomes = [first, second, third].map((r) => (r.ok ? r.data : null));
		expect(new Set(outcomes.map((o) => o?.message.id)).size).toBe(1);
		expect(outcomes.filter((o) => o && !o.duplicate)).toHaveLength(1);
		const rows = await db
			.selectFrom('threadMessage')
			.where('threadId', '=', thread.id)
			.select('id')
			.execute();
		expect(rows).toHaveLength(1);
		await new Promise((resolve) => setTimeout(resolve, 200));
		expect(listener.heard).toHaveLength(1);
	});

	it('let a reconnecting client catch up on exactly what it missed', async () => {
		const thread = await newThread(alice, team.id);
		const sender = await client(alice.id);
		const reader = await client(bob.id);
		await reader.call('thread:join', { threadId: thread.id });
		await send(sender, thread.id, 'one');
		await eventually(() => reader.heard.length === 1, 'the first message');
		reader.socket.disconnect();
		for (const body of ['two', 'three', 'four']) await send(sender, thread.id, body);

		const back = await client(bob.id);
		const lastSeen = reader.heard.at(-1)!.seq;
		const joined = await back.call<{ messages: MessageView[] }>('thread:join', {
			threadId: thread.id,
			afterSeq: lastSeen
		});
		expect(joined.ok && joined.data.messages.map((m) => m.seq)).toEqual([2, 3, 4]);
		const synced = await back.call<{ messages: MessageView[] }>('thread:sync', {
			threadId: thread.id,
			afterSeq: 2
		});
		expect(synced.ok && synced.data.messages.map((m) => m.bodyHtml)).toEqual([
			expect.stringContaining('three'),
			expect.stringContaining('four')
		]);
	});

	it('refuse posting to an announce-only thread without the role, while reading works', async () => {
		const announcements = await newThread(manager, team.id, true);
		const staff = await client(alice.id);
		expect(await staff.call('thread:join', { threadId: announcements.id })).toMatchObject({
			ok: true
		});
		expect(await send(staff, announcements.id, 'Can I?')).toMatchObject({
			ok: false,
			error: { code: 'forbidden' }
		});
		const boss = await client(manager.id);
		expect(await send(boss, announcements.id, 'Team meeting at 10')).toMatchObject({ ok: true });
		await eventually(() => staff.heard.length === 1, 'the announcement');
	});

	it('refuse a burst beyond the limit with a clear notice', async () => {
		const thread = await newThread(alice, team.id);
		const c = await client(alice.id);
		const results = [];
		for (let i = 0; i < 11; i++) results.push(await send(c, thread.id, `burst ${i}`));
		expect(results.slice(0, 10).every((r) => r.ok)).toBe(true);
		expect(results[10]).toMatchObject({
			ok: false,
			error: { code: 'too_many_requests', message: expect.stringMatching(/Wait \d+ second/) }
		});
	});

	it('show edits, deletions as tombstones, and refuse editing someone else’s', async () => {
		const thread = await newThread(alice, team.id);
		const author = await client(alice.id);
		const other = await client(bob.id);
		await other.call('thread:join', { threadId: thread.id });
		const sent = await send(author, thread.id, 'Frist');
		const id = sent.ok ? sent.data.message.id : 0;
		expect(await other.call('thread:edit', { messageId: id, body: 'Hijack' })).toMatchObject({
			ok: false,
			error: { code: 'forbidden' }
		});
		expect(await author.call('thread:edit', { messageId: id, body: 'First' })).toMatchObject({
			ok: true,
			data: { editedAt: expect.any(String), bodyHtml: expect.stringContaining('First') }
		});
		expect(await author.call('thread:delete', { messageId: id })).toMatchObject({
			ok: true,
			data: { deleted: true, bodyHtml: '' }
		});
		await eventually(() => other.heard.length === 3, 'create, edit and delete');
		expect(other.heard.map((m) => [m.seq, m.deleted])).toEqual([
			[1, false],
			[1, false],
			[1, true]
		]);
	});
});

describe('lists and links', () => {
	it('count unread messages per thread in “My threads”, and reading clears them', async () => {
		const thread = await newThread(alice, team.id);
		const writer = await client(alice.id);
		const reader = await client(bob.id);
		await reader.call('thread:join', { threadId: thread.id });
		for (const body of ['a', 'b', 'c']) await send(writer, thread.id, body);
		const bobCtx = await contextFor(db, bob.id);
		const mine = (await listMyThreads(bobCtx)).find((t) => t.id === thread.id);
		expect(mine).toMatchObject({ lastSeq: 3, readSeq: 0, unread: 3 });
		expect(await markRead(bobCtx, thread.id, 2)).toBe(2);
		// A stale mark never moves the position back, and reading past the end is clamped.
		expect(await markRead(bobCtx, thread.id, 1)).toBe(2);
		expect(await markRead(bobCtx, thread.id, 99)).toBe(3);
		expect((await listMyThreads(bobCtx)).find((t) => t.id === thread.id)?.unread).toBe(0);
	});

	it('open one discussion thread per post, with the post’s visibility', async () => {
		const post = await createPost(await contextFor(db, spy.id), {
			body: 'Secret plan',
			audience: secret.id,
			announcement: false,
			attachmentIds: []
		});
		const first = await openPostThread(await contextFor(db, spy.id), post.id);
		const again = await openPostThread(await contextFor(db, spy.id), post.id);
		expect(again.id).toBe(first.id);
		expect(first).toMatchObject({
			subject: { type: 'post', id: post.id },
			department: { id: secret.id }
		});
		await expect(openPostThread(await contextFor(db, alice.id), post.id)).rejects.toBeInstanceOf(
			NotFoundError
		);
	});
});

describe('opening a thread', () => {
	it('opens where the unread messages begin when there are more than the latest page holds', async () => {
		const thread = await newThread(alice, team.id);
		const aliceCtx = await contextFor(db, alice.id);
		const say = async (n: number) => {
			for (let i = 0; i < n; i++) {
				resetMessageRateForTests();
				await postMessage(aliceCtx, {
					threadId: thread.id,
					clientKey: randomUUID(),
					body: `m${i}`
				});
			}
		};
		await say(10);
		const bobCtx = await contextFor(db, bob.id);
		await markRead(bobCtx, thread.id, 10);
		await say(110);
		const page = await getThreadPage(bobCtx, thread.id);
		// Bob's first unread message (11) is on the page, so nothing is skipped over unseen.
		expect(page.messages[0]!.seq).toBeLessThanOrEqual(11);
		expect(page.messages.map((m) => m.seq)).toContain(11);
		// With only a few unread, the latest page as before.
		await markRead(bobCtx, thread.id, 100);
		expect((await getThreadPage(bobCtx, thread.id)).messages.at(-1)!.seq).toBe(120);
	});
});

describe('access changes', () => {
	const admin = newUser(db, { departmentId: agency.id, name: 'Ada Admin' }).then(async (a) => {
		await grantRole(db, a.id, 'admin');
		return contextFor(db, a.id);
	});
	const heardText = (c: Awaited<ReturnType<typeof client>>, text: string) =>
		c.heard.some((m) => m.bodyHtml.includes(text));

	it('stop a page left open hearing a members-only department its person has left', async () => {
		const ivy = await newUser(db, { departmentId: secret.id, name: 'Ivy Insider' });
		const thread = await newThread(spy, secret.id);
		const ivyPage = await client(ivy.id);
		const spyPage = await client(spy.id);
		for (const page of [ivyPage, spyPage])
			expect(await page.call('thread:join', { threadId: thread.id })).toMatchObject({ ok: true });
		await updatePerson(await admin, ivy.id, {
			email: ivy.email,
			name: ivy.name,
			title: '',
			departmentId: team.id,
			managerId: null,
			bio: ''
		});
		await postMessage(await contextFor(db, spy.id), {
			threadId: thread.id,
			clientKey: randomUUID(),
			body: 'Said after Ivy moved'
		});
		await eventually(() => heardText(spyPage, 'Said after Ivy moved'), 'delivery to a member');
		await new Promise((resolve) => setTimeout(resolve, 200));
		expect(heardText(ivyPage, 'Said after Ivy moved')).toBe(false);
	});

	it('close the sockets of the sessions a person signs out, and only those', async () => {
		const here = await client(bob.id);
		const elsewhere = await client(bob.id);
		const closed = new Promise<string>((resolve) => elsewhere.socket.once('disconnect', resolve));
		await signOutOtherSessions(await contextFor(db, bob.id), here.sessionId);
		expect(await closed).toBe('io server disconnect');
		expect(here.socket.connected).toBe(true);
		expect(await here.socket.timeout(5000).emitWithAck('ping')).toBe('pong');
	});

	it('stop pages of people outside a department hearing it once it is made members-only', async () => {
		const unit = await newDepartment(db, { slug: 'th-unit', name: 'Unit', parentId: agency.id });
		const insider = await newUser(db, { departmentId: unit.id, name: 'Uma Unit' });
		const thread = await newThread(insider, unit.id);
		const outsider = await client(alice.id);
		const member = await client(insider.id);
		for (const page of [outsider, member])
			expect(await page.call('thread:join', { threadId: thread.id })).toMatchObject({ ok: true });
		await updateDepartment(await admin, unit.id, {
			name: 'Unit',
			slug: 'th-unit',
			description: '',
			parentId: agency.id,
			visibility: 'members-only'
		});
		await send(member, thread.id, 'Members only from now on');
		await eventually(() => heardText(member, 'Members only from now on'), 'delivery to a member');
		await new Promise((resolve) => setTimeout(resolve, 200));
		expect(heardText(outsider, 'Members only from now on')).toBe(false);
	});
});

/** A second app instance in another process, on the same database; its port. */
async function startInstance(): Promise<{ child: ChildProcess; port: number }> {
	const child = spawn(process.execPath, ['tests/integration/realtime-instance.ts'], {
		env: { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: 'silent', NODE_ENV: 'test' },
		stdio: ['ignore', 'pipe', 'inherit']
	});
	children.push(child);
	const port = await new Promise<number>((resolve, reject) => {
		let output = '';
		child.stdout!.on('data', (chunk: Buffer) => {
			output += chunk.toString();
			const match = /listening (\d+)/.exec(output);
			if (match) resolve(Number(match[1]));
		});
		child.once('exit', (code) => reject(new Error(`second instance exited with ${code}`)));
	});
	return { child, port };
}

describe('several instances', () => {
	it('deliver a message posted through one instance to a client connected to another', async () => {
		const { port } = await startInstance();
		const thread = await newThread(alice, team.id);
		const remote = await client(bob.id, `http://127.0.0.1:${port}`);
		expect(await remote.call('thread:join', { threadId: thread.id })).toMatchObject({ ok: true });
		// Posted through this process (instance A); the client is connected to instance B.
		const { message } = await postMessage(await contextFor(db, alice.id), {
			threadId: thread.id,
			clientKey: randomUUID(),
			body: 'Across instances'
		});
		await eventually(
			() => remote.heard.some((m) => m.id === message.id),
			'the remote delivery',
			10_000
		);
		// And the other way: sent through B, heard by a client on A.
		const local = await client(carol.id);
		await local.call('thread:join', { threadId: thread.id });
		const fromB = await send(remote, thread.id, 'Back again');
		expect(fromB.ok).toBe(true);
		await eventually(
			() => local.heard.some((m) => m.bodyHtml.includes('Back again')),
			'delivery to A',
			10_000
		);
	}, 30_000);

	it('still let people join a thread while another instance has stopped answering', async () => {
		const { child, port } = await startInstance();
		const thread = await newThread(alice, team.id);
		const remote = await client(bob.id, `http://127.0.0.1:${port}`);
		expect(await remote.call('thread:join', { threadId: thread.id })).toMatchObject({ ok: true });
		// Frozen, not gone: it stays listed as alive until its heartbeat is 15 s late, so asking
		// every instance who is in the room waits for an answer that never comes (5 s).
		child.kill('SIGSTOP');
		try {
			const local = await client(carol.id);
			const joined = await local.call<{ present: number }>('thread:join', {
				threadId: thread.id
			});
			// Counted on this instance alone (Bob, on the frozen one, cannot be counted).
			expect(joined).toMatchObject({ ok: true, data: { present: 1 } });
			// The presence broadcast after the join waits as long and must not fail either.
			await new Promise((resolve) => setTimeout(resolve, 6000));
		} finally {
			child.kill('SIGCONT');
		}
	}, 40_000);
});
