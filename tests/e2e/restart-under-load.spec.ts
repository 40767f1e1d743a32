/**
 * Restart under load (issue 10): an app instance of its own takes a steady load of posts,
 * thread messages and memo acknowledgements from three people; in the middle the process is
 * killed with SIGKILL (no shutdown steps at all) and started again on the same data. Afterwards
 * every write that was answered 2xx is in the database: each post and acknowledgement reads
 * back, and each message, sent again with its client key, is answered as already stored (200,
 * not a new 201). The live side (no message held twice or missed through cuts and a restart)
 * is proven by tests/integration/thread-chaos.test.ts.
 */
import { randomUUID } from 'node:crypto';
import type { APIRequestContext } from '@playwright/test';
import { appInstance, until } from './app-instance.ts';
import { sessionCookie } from './auth.ts';
import { expect, test } from './fixtures.ts';

type Written = { kind: 'post' | 'message' | 'ack'; id: number; key?: string };

test('SIGKILL under load loses no write that was answered 2xx', async ({ playwright }) => {
	test.setTimeout(300_000);
	// Limits off: this test measures durability, not throttling.
	const app = await appInstance({
		API_RATE_LIMIT: '0',
		API_RATE_LIMIT_PER_IP: '0',
		THREAD_MESSAGE_BURST: '1000'
	});
	const { origin } = app;
	const contexts: APIRequestContext[] = [];
	const as = async (email: string) => {
		const signInContext = await playwright.request.newContext({ baseURL: origin });
		const cookie = await sessionCookie(signInContext, origin, email);
		await signInContext.dispose();
		const context = await playwright.request.newContext({
			baseURL: origin,
			extraHTTPHeaders: { cookie, origin }
		});
		contexts.push(context);
		return context;
	};
	try {
		await app.start();
		const hannah = await as('hannah.fischer@commons.test');
		const jamal = await as('jamal.hassan@commons.test');
		const comms = await as('comms@commons.test');
		const agency = (await (await hannah.get('/api/v1/me')).json()).department.id as number;
		const transport = (await (await jamal.get('/api/v1/me')).json()).department.id as number;
		const commsDepartment = (await (await comms.get('/api/v1/me')).json()).department.id;

		// Memos for Jamal to acknowledge during the load.
		const memoIds: number[] = [];
		for (let i = 0; i < 40; i++) {
			const draft = await comms.post('/api/v1/memos', {
				data: {
					title: `Load memo ${i}`,
					body: `Acknowledge me (${i}).`,
					category: 'notice',
					issuingDepartmentId: commsDepartment,
					dueOn: new Date(Date.now() + 5 * 86_400_000).toISOString().slice(0, 10),
					audience: [{ kind: 'department', departmentId: transport }]
				}
			});
			expect(draft.status(), await draft.text()).toBe(201);
			const id = (await draft.json()).id as number;
			expect((await comms.post(`/api/v1/memos/${id}/publish`, { data: {} })).status()).toBe(200);
			memoIds.push(id);
		}
		const thread = await hannah.post('/api/v1/threads', {
			data: { title: 'Load thread', home: 'organisation' }
		});
		expect(thread.status(), await thread.text()).toBe(201);
		const threadId = (await thread.json()).id as number;

		// The load: three loops writing as fast as the server answers, recording what it confirmed.
		const written: Written[] = [];
		let stop = false;
		let refused = 0;
		const loop = async (next: (i: number) => Promise<Written | null>) => {
			for (let i = 0; !stop; i++) {
				try {
					const done = await next(i);
					if (done) written.push(done);
				} catch {
					refused++; // the connection broke mid-request: not confirmed, not counted
				}
			}
		};
		const posts = loop(async (i) => {
			const r = await hannah.post('/api/v1/posts', {
				data: { body: `Load post ${i}`, audience: agency },
				timeout: 10_000
			});
			return r.status() === 201 ? { kind: 'post', id: (await r.json()).id } : null;
		});
		const messages = loop(async (i) => {
			const key = randomUUID();
			const r = await hannah.post(`/api/v1/threads/${threadId}/messages`, {
				data: { body: `Load message ${i}`, clientKey: key },
				timeout: 10_000
			});
			return r.status() === 201 ? { kind: 'message', id: (await r.json()).id, key } : null;
		});
		const acks = loop(async (i) => {
			if (i >= memoIds.length) {
				await new Promise((r) => setTimeout(r, 50));
				return null;
			}
			const r = await jamal.post(`/api/v1/memos/${memoIds[i]}/acknowledge`, {
				data: { version: 1 },
				timeout: 10_000
			});
			return r.ok() ? { kind: 'ack', id: memoIds[i]! } : null;
		});

		// Let the load run, then kill the process outright, mid-write.
		await until(async () => written.length >= 30, 'some confirmed writes', 60_000);
		const beforeKill = written.length;
		app.process().kill('SIGKILL');
		await until(async () => app.process().signalCode === 'SIGKILL', 'the process to die', 10_000);
		stop = true;
		await Promise.all([posts, messages, acks]);
		expect(beforeKill).toBeGreaterThan(0);

		// Started again on the same data (it adopts the database server the killed one left).
		await app.start();
		const confirmed = [...written];
		for (const write of confirmed) {
			if (write.kind === 'post') {
				const r = await hannah.get(`/api/v1/posts/${write.id}`);
				expect(r.status(), `post ${write.id} was confirmed`).toBe(200);
			} else if (write.kind === 'message') {
				const r = await hannah.post(`/api/v1/threads/${threadId}/messages`, {
					data: { body: 'resent', clientKey: write.key }
				});
				expect(r.status(), `message ${write.id} was confirmed, so a resend is a duplicate`).toBe(
					200
				);
				expect((await r.json()).id).toBe(write.id);
			} else {
				const memo = await (await jamal.get(`/api/v1/memos/${write.id}`)).json();
				expect(memo.recipient?.state, `acknowledgement of memo ${write.id}`).toBe('acknowledged');
			}
		}
		const counts = Object.groupBy(confirmed, (w) => w.kind);
		console.log(
			`restart under load: ${confirmed.length} confirmed writes checked (` +
				`${counts.post?.length ?? 0} posts, ${counts.message?.length ?? 0} messages, ` +
				`${counts.ack?.length ?? 0} acknowledgements); ${refused} requests cut by the kill`
		);
		// And the restarted process takes writes again.
		const after = await hannah.post('/api/v1/posts', {
			data: { body: 'After the restart', audience: agency }
		});
		expect(after.status()).toBe(201);
	} catch (error) {
		console.log(app.output());
		throw error;
	} finally {
		for (const context of contexts) await context.dispose();
		await app.dispose();
	}
});
