/**
 * Notification e-mail end to end, against a real SMTP server started here (smtp-server) and the
 * real job runner (graphile-worker): a mention arrives with a plain-text and an HTML part and a
 * signed unsubscribe link that works; a digest groups a day's events, once per person and local
 * day; an SMTP outage is retried with backoff and delivers later, once; preferences are honoured
 * (off, in the app only, thread activity opted into, memos that cannot be turned off).
 */
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import type { Runner } from 'graphile-worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// E-mail settings are read once, on first use: set them before anything reads the config.
const mailbox: ParsedMail[] = [];
let smtp: SMTPServer;
async function startSmtp(port = 0): Promise<number> {
	smtp = new SMTPServer({
		authOptional: true,
		disabledCommands: ['STARTTLS'],
		logger: false,
		onData(stream, _session, done) {
			simpleParser(stream)
				.then((mail) => {
					mailbox.push(mail);
					done();
				})
				.catch(done);
		}
	});
	await new Promise<void>((resolve) => smtp.listen(port, '127.0.0.1', () => resolve()));
	return (smtp.server.address() as AddressInfo).port;
}
const stopSmtp = () => new Promise<void>((resolve) => smtp.close(() => resolve()));
const smtpPort = await startSmtp();
const savedEnv = { ...process.env };
Object.assign(process.env, {
	SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
	MAIL_FROM: 'Commons <commons@commons.test>',
	ORIGIN: 'http://intranet.commons.test',
	DEFAULT_TIME_ZONE: 'UTC'
});

const { createPost } = await import('../../src/lib/server/feeds/post.service.ts');
const { addComment } = await import('../../src/lib/server/feeds/comment.service.ts');
const { startJobRunner } = await import('../../src/lib/server/jobs/runner.ts');
const { tasks } = await import('../../src/lib/server/jobs/tasks.ts');
const { runDueMemoReminders } = await import('../../src/lib/server/memos/memo-reminder.service.ts');
const delivery = await import('../../src/lib/server/notifications/delivery.service.ts');
const service = await import('../../src/lib/server/notifications/notification.service.ts');
const { postMessage } = await import('../../src/lib/server/threads/message.service.ts');
const { markRead, startThread } = await import('../../src/lib/server/threads/thread.service.ts');
const { ForbiddenError } = await import('../../src/lib/server/errors.ts');
const { systemContext } = await import('../../src/lib/server/context.ts');
const { notificationPreferencesSchema } =
	await import('../../src/lib/shared/schemas/notifications.ts');
const { createTestDatabase } = await import('./database.ts');
const { draft, memoOrganisation, publishNew } = await import('./memo-fixtures.ts');
const { newPage } = await import('./search-fixtures.ts');

const { db, url } = await createTestDatabase();
const { departments: d, people: p, as } = await memoOrganisation(db, 'mail');
const mention = (person: { id: number; name: string }) => `[@${person.name}](/people/${person.id})`;

let runner: Runner;
beforeAll(async () => {
	runner = await startJobRunner({ connectionString: url, tasks, pollInterval: 200 });
});
afterAll(async () => {
	await runner?.stop();
	await stopSmtp().catch(() => undefined);
	process.env = savedEnv;
});

/** Waits until a message to `to` matching `subject` has arrived, and returns it. */
async function arrival(to: string, subject: RegExp, timeout = 15_000): Promise<ParsedMail> {
	const started = Date.now();
	for (;;) {
		const mail = mailbox.find(
			(m) => subject.test(m.subject ?? '') && JSON.stringify(m.to).includes(to)
		);
		if (mail) return mail;
		if (Date.now() - started > timeout) throw new Error(`no e-mail "${subject}" to ${to}`);
		await new Promise((r) => setTimeout(r, 100));
	}
}

/** A header's raw value (mailparser turns List-* headers into objects). */
function header(mail: ParsedMail, name: string): string {
	const line = mail.headerLines.find((h) => h.key === name)?.line ?? '';
	return line.slice(line.indexOf(':') + 1).trim();
}

const emailsOf = (userId: number) =>
	db
		.selectFrom('notificationEmail')
		.selectAll()
		.where('userId', '=', userId)
		.orderBy('id')
		.execute();

describe('a mention by e-mail', () => {
	it('arrives with both parts, links to the post and a working one-click unsubscribe', async () => {
		const post = await createPost(as.olga, {
			body: `Budget review tomorrow, ${mention(p.fred)} please bring the figures.`,
			audience: d.ops.id,
			announcement: false,
			attachmentIds: []
		});
		const mail = await arrival(p.fred.email, /Olga Ops mentioned you/);
		expect(mail.from?.text).toContain('commons@commons.test');
		expect(mail.text).toContain('Olga Ops mentioned you in a post: “Budget review tomorrow');
		expect(mail.text).toContain(`http://intranet.commons.test/posts/${post.id}`);
		expect(mail.html).toContain(`href="http://intranet.commons.test/posts/${post.id}"`);
		expect(mail.html).toContain('Olga Ops mentioned you in a post');
		// RFC 8058: the one-click header pair.
		const link = header(mail, 'list-unsubscribe').replace(/^<|>$/g, '');
		expect(link).toMatch(/^http:\/\/intranet\.commons\.test\/unsubscribe\?u=\d+&c=mention&s=/);
		expect(header(mail, 'list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
		expect(mail.text).toContain(link);

		const params = new URL(link).searchParams;
		const input = {
			userId: Number(params.get('u')),
			category: params.get('c')!,
			signature: params.get('s')!
		};
		await expect(
			service.unsubscribe(systemContext, { ...input, signature: `${input.signature}x` })
		).rejects.toThrow(ForbiddenError);
		await expect(
			service.unsubscribe(systemContext, { ...input, category: 'reply' })
		).rejects.toThrow(ForbiddenError);
		const result = await service.unsubscribe(systemContext, input);
		expect(result.changed).toEqual([{ category: 'mention', label: 'Mentions', delivery: 'app' }]);
		expect((await service.getMyPreferences(as.fred)).deliveries.mention).toBe('app');

		// The next mention shows in the app but is not e-mailed.
		const before = (await emailsOf(p.fred.id)).length;
		await createPost(as.olga, {
			body: `Second thought, ${mention(p.fred)}`,
			audience: d.ops.id,
			announcement: false,
			attachmentIds: []
		});
		await expect.poll(() => service.countMyUnread(as.fred)).toBe(2);
		await delivery.dispatchPendingNotifications();
		expect(await emailsOf(p.fred.id)).toHaveLength(before);
	});
});

describe('an SMTP outage', () => {
	it('is retried with backoff and delivers later, once', async () => {
		await stopSmtp();
		await createPost(as.olga, {
			body: `Server room keys, ${mention(p.lena)}`,
			audience: d.ops.id,
			announcement: false,
			attachmentIds: []
		});
		// The first attempt fails: the row goes back to pending with the error recorded.
		// (Wait for the state, not the attempt count: the count rises when an attempt starts.)
		await expect
			.poll(
				async () => {
					const [row] = await emailsOf(p.lena.id);
					return row && row.attempts >= 1 ? row.state : null;
				},
				{ timeout: 10_000 }
			)
			.toBe('pending');
		const [failed] = await emailsOf(p.lena.id);
		expect(failed!.lastError).toMatch(/ECONNREFUSED|connect/i);
		expect(mailbox.filter((m) => JSON.stringify(m.to).includes(p.lena.email))).toHaveLength(0);

		await startSmtp(smtpPort);
		await arrival(p.lena.email, /mentioned you/, 20_000);
		// The row is marked sent once the SMTP server has answered, a moment after the mail lands.
		await expect
			.poll(async () => (await emailsOf(p.lena.id))[0]?.state, { timeout: 10_000 })
			.toBe('sent');
		const [sent] = await emailsOf(p.lena.id);
		expect(sent).toMatchObject({ state: 'sent' });
		expect(sent!.attempts).toBeGreaterThanOrEqual(2);

		// Running the send again (a job retried after a restart) sends nothing.
		expect(await delivery.sendNotificationEmail(sent!.id)).toBe('skipped');
		// A row left in "sending" by a process that died mid-send is not sent again either.
		const interrupted = await db
			.insertInto('notificationEmail')
			.values({
				userId: p.lena.id,
				kind: 'digest',
				category: 'digest',
				digestDay: '2000-01-01',
				notificationIds: sent!.notificationIds,
				state: 'sending',
				attempts: 1
			})
			.returning('id')
			.executeTakeFirstOrThrow();
		expect(await delivery.sendNotificationEmail(interrupted.id)).toBe('interrupted');
		await new Promise((r) => setTimeout(r, 500));
		expect(mailbox.filter((m) => JSON.stringify(m.to).includes(p.lena.email))).toHaveLength(1);
	});
});

describe('the daily digest', () => {
	it('groups a day’s events into one e-mail at the person’s hour in their time zone', async () => {
		await service.updateMyPreferences(
			as.nina,
			notificationPreferencesSchema.parse({ timeZone: 'Europe/Berlin', digestHour: 18 })
		);
		const post = await createPost(as.nina, {
			body: 'Depot move plan for next week',
			audience: d.north.id,
			announcement: false,
			attachmentIds: []
		});
		// Replies go to the digest by default.
		for (const [who, text] of [
			[as.noah, 'I can drive the van'],
			[as.noah, 'And bring boxes'],
			[as.chief, 'Approved']
		] as const)
			await addComment(who, post.id, { body: text });
		// The job runner dispatches too: wait until nothing of Nina's is left undispatched, not
		// for this call's count (a batch the runner claimed may still be committing).
		const dispatchedForNina = () =>
			expect
				.poll(async () => {
					await delivery.dispatchPendingNotifications();
					const left = await db
						.selectFrom('notification')
						.select('id')
						.where('recipientId', '=', p.nina.id)
						.where('dispatchedAt', 'is', null)
						.execute();
					return left.length;
				})
				.toBe(0);
		const queuedItems = () =>
			db
				.selectFrom('notificationDigestItem')
				.select('notificationId')
				.where('userId', '=', p.nina.id)
				.execute();
		await dispatchedForNina();
		const queued = await queuedItems();
		expect(queued).toHaveLength(3);

		// 16:30 UTC is 17:30 in Berlin (winter): not yet. 17:05 UTC is 18:05: due.
		expect(await delivery.runDueDigests(new Date('2027-01-15T16:30:00Z'))).toEqual([]);
		const [digestId] = await delivery.runDueDigests(new Date('2027-01-15T17:05:00Z'));
		expect(digestId).toBeDefined();
		const mail = await arrival(p.nina.email, /Your Commons digest: 3 updates/);
		expect(mail.text).toContain('3 new replies on “Depot move plan for next week”');
		expect(mail.text).toContain('Noah North replied: “I can drive the van”');
		expect(mail.text).toContain('Chief Agency replied: “Approved”');
		expect(mail.html).toContain('3 new replies on “Depot move plan for next week”');
		expect(header(mail, 'list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
		expect(header(mail, 'list-unsubscribe')).toMatch(/c=digest&s=/);
		expect(mail.text).toMatch(
			/Stop the daily digest: http:\/\/intranet\.commons\.test\/unsubscribe\?u=\d+&c=digest/
		);

		// Later the same day: a new event waits for tomorrow's digest.
		await addComment(as.noah, post.id, { body: 'Van booked' });
		await dispatchedForNina();
		expect(await delivery.runDueDigests(new Date('2027-01-15T21:00:00Z'))).toEqual([]);
		const tomorrow = await delivery.runDueDigests(new Date('2027-01-16T17:00:00Z'));
		expect(tomorrow).toHaveLength(1);
		await arrival(p.nina.email, /Your Commons digest: 1 update$/);
		const digests = (await emailsOf(p.nina.id)).filter((e) => e.kind === 'digest');
		expect(digests.map((e) => e.digestDay)).toEqual(['2027-01-15', '2027-01-16']);

		// A day with nothing at the hour: what arrives after it waits for the next day's digest
		// too, rather than going out at once as a digest of one.
		await addComment(as.chief, post.id, { body: 'Depot keys are with reception' });
		await dispatchedForNina();
		await db
			.updateTable('notificationDigestItem')
			.set({ createdAt: new Date('2027-02-10T19:00:00Z') }) // 20:00 in Berlin
			.where('userId', '=', p.nina.id)
			.execute();
		expect(await delivery.runDueDigests(new Date('2027-02-10T20:00:00Z'))).toEqual([]);
		expect(await delivery.runDueDigests(new Date('2027-02-10T22:59:00Z'))).toEqual([]);
		// The jobs did not run at the next day's hour: it goes out when they run again.
		expect(await delivery.runDueDigests(new Date('2027-02-11T16:59:00Z'))).toEqual([]);
		expect(await delivery.runDueDigests(new Date('2027-02-11T21:30:00Z'))).toHaveLength(1);
		await arrival(p.nina.email, /Your Commons digest: 1 update$/);
		const later = (await emailsOf(p.nina.id)).filter((e) => e.kind === 'digest');
		expect(later.map((e) => e.digestDay)).toEqual(['2027-01-15', '2027-01-16', '2027-02-11']);
	});
});

describe('preferences', () => {
	it('hide a category turned off, add thread activity when turned on, and never turn memos off', async () => {
		// Off: not in the list, not counted, not e-mailed.
		await service.updateMyPreferences(
			as.noah,
			notificationPreferencesSchema.parse({
				deliveries: { mention: 'off', thread_activity: 'immediately' }
			})
		);
		const thread = await startThread(as.nina, {
			title: 'Rota for March',
			home: d.north.id,
			announceOnly: false
		});
		// Noah takes part in the thread; thread activity is on for him only.
		await postMessage(as.noah, { threadId: thread.id, clientKey: 'noah-first-1', body: 'I am in' });
		await postMessage(as.nina, {
			threadId: thread.id,
			clientKey: 'nina-mention-1',
			body: `Thanks ${mention(p.noah)}`
		});
		await postMessage(as.nina, {
			threadId: thread.id,
			clientKey: 'nina-plain-1',
			body: 'Rota is published'
		});
		await delivery.dispatchPendingNotifications();
		const noahKinds = await db
			.selectFrom('notification')
			.select(['kind', 'category'])
			.where('recipientId', '=', p.noah.id)
			.orderBy('id')
			.execute();
		// The mention is stored (so turning mentions back on shows it) but shown nowhere.
		expect(noahKinds.map((n) => n.kind)).toEqual(['mention', 'thread.message']);
		const page = await service.listMyNotifications(as.noah);
		const items = page.groups.flatMap((g) => g.items);
		expect(items.map((i) => i.kind)).toEqual(['thread.message']);
		expect(items[0]!.url).toBe(`/threads/${thread.id}?at=3#m-3`);
		expect(page.groups[0]!.headline).toBe('Nina North wrote in Rota for March');
		expect(page.unread).toBe(1);
		// Reading the thread past the message reads its notification too.
		await markRead(as.noah, thread.id, 3);
		expect(await service.countMyUnread(as.noah)).toBe(0);
		await arrival(p.noah.email, /Nina North wrote in Rota for March/);
		expect((await emailsOf(p.noah.id)).map((e) => e.category)).toEqual(['thread_activity']);
		// Fred never turned thread activity on: nothing for him from threads he has not joined.

		// Memos someone must acknowledge cannot be turned off: refused by the schema and the table.
		expect(notificationPreferencesSchema.safeParse({ deliveries: { memo: 'off' } }).success).toBe(
			false
		);
		await expect(
			db
				.insertInto('notificationPreference')
				.values({ userId: p.noah.id, category: 'memo_reminder', delivery: 'app' })
				.execute()
		).rejects.toThrow(/notification_preference_memos_by_email/);
	});

	it('sends memo e-mails that link straight to the memo, and unsubscribing keeps them in the digest', async () => {
		const published = new Date();
		const memo = await publishNew(
			as.olga,
			draft({
				issuingDepartmentId: d.ops.id,
				dueOn: '2099-03-10',
				audience: [{ kind: 'person', userId: p.fred.id, exclude: false }]
			}),
			published
		);
		await runDueMemoReminders(new Date(published.getTime() + 1000));
		const mail = await arrival(p.fred.email, /New memo: Clean desk policy/);
		expect(mail.text).toContain(`http://intranet.commons.test/memos/${memo.id}`);
		expect(mail.html).toContain(`href="http://intranet.commons.test/memos/${memo.id}"`);
		const link = String(mail.text!.match(/http:\/\/\S+c=memo&s=\S+/)?.[0]);
		const params = new URL(link).searchParams;
		const result = await service.unsubscribe(systemContext, {
			userId: Number(params.get('u')),
			category: 'memo',
			signature: params.get('s')!
		});
		expect(result.changed).toEqual([
			{ category: 'memo', label: 'Memos for you', delivery: 'digest' }
		]);
		expect((await service.getMyPreferences(as.fred)).deliveries.memo).toBe('digest');
	});
});

describe('bad unsubscribe links', () => {
	it('are refused every time, and recorded once per address and minute', async () => {
		const refusals = () =>
			db
				.selectFrom('auditEvent')
				.select((eb) => eb.fn.countAll<string>().as('n'))
				.where('action', '=', 'notification.unsubscribe')
				.where('outcome', '=', 'denied')
				.where('objectId', '=', String(p.fred.id))
				.executeTakeFirstOrThrow()
				.then((r) => Number(r.n));
		const before = await refusals();
		const bad = { userId: p.fred.id, category: 'mention', signature: 'forged' };
		const from = (ip: string) => ({ ...systemContext, ip });
		const minute = new Date('2030-01-01T09:00:10Z');
		for (let i = 0; i < 5; i++)
			await expect(service.unsubscribe(from('198.51.100.7'), bad, minute)).rejects.toThrow(
				ForbiddenError
			);
		await expect(service.unsubscribe(from('198.51.100.8'), bad, minute)).rejects.toThrow(
			ForbiddenError
		);
		expect(await refusals()).toBe(before + 2);

		// The next minute, the first one from the address is recorded again.
		const later = new Date('2030-01-01T09:01:10Z');
		await expect(service.unsubscribe(from('198.51.100.7'), bad, later)).rejects.toThrow(
			ForbiddenError
		);
		expect(await refusals()).toBe(before + 3);
	});
});

describe('pages due for review', () => {
	it('tell the owner once per review date, linking to the page', async () => {
		const page = await newPage(db, {
			departmentId: d.legal.id,
			title: 'Records retention',
			body: 'Keep for seven years.',
			ownerId: p.lena.id
		});
		await db
			.updateTable('kbPage')
			.set({ reviewBy: '2027-05-01' })
			.where('id', '=', page.id)
			.execute();
		expect(await delivery.runPageReviewNotices(new Date('2027-04-30T12:00:00Z'))).toBe(0);
		expect(await delivery.runPageReviewNotices(new Date('2027-05-01T00:05:00Z'))).toBe(1);
		expect(await delivery.runPageReviewNotices(new Date('2027-05-02T00:05:00Z'))).toBe(0);
		const reviews = async () =>
			(await service.listMyNotifications(as.lena)).groups.filter((g) => g.subject.type === 'page');
		expect(await reviews()).toMatchObject([
			{ headline: 'Page due for review: Records retention', url: `/kb/link/${page.id}` }
		]);
		// A new review date that comes round brings a new notice.
		await db
			.updateTable('kbPage')
			.set({ reviewBy: '2027-11-01' })
			.where('id', '=', page.id)
			.execute();
		expect(await delivery.runPageReviewNotices(new Date('2027-11-01T09:00:00Z'))).toBe(1);
		expect((await reviews())[0]!.items).toHaveLength(2);
	});
});
