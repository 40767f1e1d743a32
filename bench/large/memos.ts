/**
 * Memos for the large organisation, written through the app's own services so every row is what
 * the app would have written: `createMemoDraft` and `publishMemo` (version 1 with its hash and
 * audit entries, the audience resolved into recipient rows in one statement, the announcement
 * reminders and their notifications, the search outbox), each published at a time in the last
 * 180 days (`now` of the publish service), due 7 to 28 days later.
 *
 * Audiences (so recipients run from about 10 to the whole organisation): 2% the organisation
 * (and always the newest memo),
 * 53% a bench department with its sub-departments, 20% a department alone (departments picked
 * with the 1/k size skew, issued by that department's manager), 25% 10–40 named people (issued
 * by the communications account). Policies ask for an attestation.
 *
 * Acknowledgements are then written in bulk, exactly as `acknowledgeMemo` writes one (row, row
 * hash, chained audit entry, recipient state): a memo past its due date is acknowledged by about
 * 85% of its recipients, a newer one by a share that grows with its age. The reminder ladder of
 * everyone still pending is moved to its first step after now (earlier steps count as sent) and
 * people overdue count as escalated, so the app's runners start with nothing to catch up on.
 */
import { sql } from 'kysely';
import { auditHash, GENESIS_HASH, type AuditContent } from '../../src/lib/server/audit/chain.ts';
import type { RequestContext } from '../../src/lib/server/context.ts';
import type { Database } from '../../src/lib/server/db/index.ts';
import { acknowledgementRowHash } from '../../src/lib/server/memos/memo-hash.ts';
import { ladderStep } from '../../src/lib/server/memos/memo-ladder.ts';
import { createMemoDraft } from '../../src/lib/server/memos/memo.service.ts';
import { publishMemo } from '../../src/lib/server/memos/memo-publish.service.ts';
import { loadActor } from '../../src/lib/server/org/actor.ts';
import { memoDraftSchema, type AudienceEntry } from '../../src/lib/shared/schemas/memos.ts';
import { random } from '../lib/search-load.ts';
import { makeSentences, titleWords } from './text.ts';

const DAY_MS = 86_400_000;
const ISSUER = 'comms@commons.test';
const CATEGORIES = ['policy', 'instruction', 'notice'] as const;
const ATTESTATION = 'I have read this policy and will follow it.';
const LADDER = { onPublish: false, beforeDueDays: [3], onDue: true, overdueEveryDays: 2 };
const USER_AGENT = 'Mozilla/5.0 (X11; Linux x86_64) Commons large-organisation seed';
const CHUNK = 2000;

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

async function benchDepartments(db: Database) {
	const { rows } = await sql<{ id: number; managerId: number }>`
		select d.id, r.user_id as manager_id from department d
		join role_assignment r on r.department_id = d.id and r.role_key = 'manager'
		join users u on u.id = r.user_id and u.email like 'bench-person-%'
		where d.slug like 'bench-%' order by d.id
	`.execute(db);
	return rows.map((r) => ({ id: Number(r.id), managerId: Number(r.managerId) }));
}

/** The memo bodies: a heading and two to six paragraphs of the sentence pool. */
function memoBody(pool: string[], next: () => number): string {
	const parts = ['## What changes'];
	const paragraphs = 2 + Math.floor(next() * 5);
	for (let p = 0; p < paragraphs; p++) {
		const from = Math.floor(next() * pool.length);
		const count = 1 + Math.floor(next() * 4);
		parts.push(
			Array.from({ length: count }, (_, j) => pool[(from + j * 97) % pool.length]).join(' ')
		);
	}
	return parts.join('\n\n');
}

/** Creates and publishes `count` memos through the services; returns their ids. */
export async function publishMemos(db: Database, count: number, seed: number): Promise<number[]> {
	const next = random(seed * 104_729 + 11);
	const pool = makeSentences(seed);
	const words = titleWords();
	const departments = await benchDepartments(db);
	const { rows: people } = await sql<{ id: number }>`
		select id from users where email like 'bench-person-%' order by id
	`.execute(db);
	const issuerRow = await db
		.selectFrom('users')
		.where('email', '=', ISSUER)
		.select(['id', 'departmentId'])
		.executeTakeFirstOrThrow(() => new Error(`seedLarge: no ${ISSUER} (seed the demo first)`));
	const contexts = new Map<number, RequestContext>();
	const contextOf = async (userId: number): Promise<RequestContext> => {
		let ctx = contexts.get(userId);
		if (!ctx) {
			ctx = { actor: await loadActor(db, userId), ip: '10.0.0.1', userAgent: USER_AGENT };
			contexts.set(userId, ctx);
		}
		return ctx;
	};
	const ids: number[] = [];
	const now = Date.now();
	for (let i = 1; i <= count; i++) {
		const publishedAt = now - ((count - i + next()) / count) * 180 * DAY_MS;
		const dueOn = isoDay(publishedAt + (7 + Math.floor(next() * 22)) * DAY_MS);
		const category = CATEGORIES[i % CATEGORIES.length]!;
		const u = next();
		const k = Math.min(departments.length, Math.floor(departments.length ** next()) || 1);
		const department = departments[k - 1]!;
		let audience: AudienceEntry[];
		let issuer = { id: issuerRow.id, departmentId: issuerRow.departmentId };
		// The newest memo always goes to everyone: the widest audience, still mostly pending.
		if (u < 0.02 || i === count) audience = [{ kind: 'organisation', exclude: false }];
		else if (u < 0.75) {
			audience = [
				{ kind: 'department', departmentId: department.id, includeSub: u < 0.55, exclude: false }
			];
			issuer = { id: department.managerId, departmentId: department.id };
		} else {
			const n = 10 + Math.floor(next() * 31);
			const chosen = new Set<number>();
			while (chosen.size < Math.min(n, people.length))
				chosen.add(Number(people[Math.floor(next() * people.length)]!.id));
			audience = [...chosen].map((userId) => ({ kind: 'person', userId, exclude: false }));
		}
		const word = () => words[Math.floor(next() * words.length)]!;
		const title = `${category[0]!.toUpperCase()}${category.slice(1)} ${i}: ${word()} ${word()}`;
		const ctx = await contextOf(issuer.id);
		const draft = await createMemoDraft(
			ctx,
			memoDraftSchema.parse({
				title,
				body: memoBody(pool, next),
				category,
				issuingDepartmentId: issuer.departmentId,
				reference: `BENCH-${i}`,
				dueOn,
				attestation: category === 'policy' ? ATTESTATION : null,
				reminderLadder: LADDER,
				audience
			})
		);
		await publishMemo(ctx, draft.id, { publishAt: null }, new Date(publishedAt));
		// The draft was written just now; as far as anyone can tell it was written the day before.
		await sql`
			update memo set created_at = ${new Date(publishedAt - DAY_MS)},
				updated_at = ${new Date(publishedAt)}
			where id = ${draft.id}
		`.execute(db);
		ids.push(draft.id);
	}
	return ids;
}

type RecipientRow = { userId: number; name: string; email: string };

/**
 * Acknowledges memo `memoId` for a deterministic share of its recipients, as `acknowledgeMemo`
 * would have at the chosen times: rows with their hashes, audit entries chained after the trail's
 * last one (under the chain's lock), recipient rows marked. Returns how many it wrote.
 */
async function acknowledgeSome(db: Database, memoId: number, seed: number): Promise<number> {
	const memo = await sql<{
		publishedAt: Date;
		dueOn: string;
		number: number;
		contentHash: string;
		attestation: string | null;
	}>`
		select m.published_at, m.due_on, v.number, v.content_hash, m.attestation
		from memo m join memo_version v on v.memo_id = m.id and v.number = m.current_version
		where m.id = ${memoId}
	`.execute(db);
	const m = memo.rows[0]!;
	const { rows: recipients } = await sql<RecipientRow>`
		select r.user_id, u.name, u.email from memo_recipient r join users u on u.id = r.user_id
		where r.memo_id = ${memoId} and r.state = 'pending' order by r.user_id
	`.execute(db);
	const now = Date.now();
	const published = m.publishedAt.getTime();
	const dueEnd = Date.parse(`${m.dueOn}T23:59:59Z`);
	const share =
		now > dueEnd ? 0.85 : 0.1 + (0.75 * (now - published)) / Math.max(1, dueEnd - published);
	const window = Math.min(now, dueEnd + 5 * DAY_MS) - published;
	const next = random(seed * 7_919 + memoId);
	const chosen = recipients
		.filter(() => next() < share)
		.map((r) => ({
			...r,
			at: new Date(published + 60_000 + Math.floor(next() * (window - 60_000)))
		}))
		.sort((a, b) => a.at.getTime() - b.at.getTime() || a.userId - b.userId);

	for (let i = 0; i < chosen.length; i += CHUNK) {
		const batch = chosen.slice(i, i + CHUNK);
		await db.transaction().execute(async (trx) => {
			await sql`select pg_advisory_xact_lock(hashtext('commons.audit_chain'))`.execute(trx);
			const last = await sql<{ hash: string }>`
				select hash from audit_event order by id desc limit 1
			`.execute(trx);
			const { rows: idRows } = await sql<{ id: number }>`
				select nextval(pg_get_serial_sequence('memo_acknowledgement', 'id'))::bigint as id
				from generate_series(1, ${batch.length})
			`.execute(trx);
			let prev = last.rows[0]?.hash ?? GENESIS_HASH;
			const acks = batch.map((r, j) => ({
				id: Number(idRows[j]!.id),
				memoId,
				userId: Number(r.userId),
				versionNumber: m.number,
				contentHash: m.contentHash,
				acknowledgedAt: r.at,
				ip: `10.${(Number(r.userId) >> 16) & 255}.${(Number(r.userId) >> 8) & 255}.${Number(r.userId) & 255}`,
				userAgent: USER_AGENT,
				attested: m.attestation !== null,
				onBehalfBy: null,
				onBehalfReason: null
			}));
			const audits = acks.map((ack, j) => {
				const content: AuditContent = {
					occurredAt: ack.acknowledgedAt,
					actorId: ack.userId,
					actorLabel: `${batch[j]!.name} <${batch[j]!.email}>`,
					action: 'memo.acknowledge',
					objectType: 'memo_acknowledgement',
					objectId: String(ack.id),
					outcome: 'success',
					ip: ack.ip,
					userAgent: ack.userAgent,
					details: {
						memoId,
						userId: ack.userId,
						versionNumber: ack.versionNumber,
						contentHash: ack.contentHash,
						rowHash: acknowledgementRowHash(ack)
					}
				};
				const hash = auditHash(prev, content);
				const row = { ...content, prevHash: prev, hash };
				prev = hash;
				return row;
			});
			const col = <T>(f: (a: (typeof acks)[number]) => T) => acks.map(f);
			await sql`
				insert into memo_acknowledgement (id, memo_id, user_id, version_number, content_hash,
					acknowledged_at, ip, user_agent, attested)
				overriding system value
				select * from unnest(${col((a) => a.id)}::bigint[], ${col((a) => a.memoId)}::bigint[],
					${col((a) => a.userId)}::bigint[], ${col((a) => a.versionNumber)}::int[],
					${col((a) => a.contentHash)}::text[],
					${col((a) => a.acknowledgedAt.toISOString())}::timestamptz[],
					${col((a) => a.ip)}::text[], ${col((a) => a.userAgent)}::text[],
					${col((a) => a.attested)}::boolean[])
			`.execute(trx);
			const acol = <T>(f: (a: (typeof audits)[number]) => T) => audits.map(f);
			// In chain order: the identity hands out ascending ids in the order rows are inserted.
			await sql`
				insert into audit_event (occurred_at, actor_id, actor_label, action, object_type, object_id,
					outcome, ip, user_agent, details, prev_hash, hash)
				select occurred_at, actor_id, actor_label, action, object_type, object_id, outcome, ip,
					user_agent, details, prev_hash, hash
				from unnest(${acol((a) => a.occurredAt.toISOString())}::timestamptz[],
					${acol((a) => a.actorId)}::bigint[], ${acol((a) => a.actorLabel)}::text[],
					${acol((a) => a.action)}::text[], ${acol((a) => a.objectType)}::text[],
					${acol((a) => a.objectId)}::text[], ${acol((a) => a.outcome)}::text[],
					${acol((a) => a.ip)}::text[], ${acol((a) => a.userAgent)}::text[],
					${acol((a) => JSON.stringify(a.details))}::jsonb[], ${acol((a) => a.prevHash)}::text[],
					${acol((a) => a.hash)}::text[])
					with ordinality as t(occurred_at, actor_id, actor_label, action, object_type, object_id,
						outcome, ip, user_agent, details, prev_hash, hash, ord)
				order by ord
			`.execute(trx);
			await sql`
				update memo_recipient r set state = 'acknowledged', acknowledged_at = a.acknowledged_at,
					acknowledged_version = a.version_number, acknowledgement_id = a.id,
					next_reminder_at = null,
					first_viewed_at = coalesce(r.first_viewed_at, a.acknowledged_at - interval '3 minutes')
				from memo_acknowledgement a
				where a.id = any(${col((a) => a.id)}::bigint[])
					and r.memo_id = a.memo_id and r.user_id = a.user_id
			`.execute(trx);
		});
	}
	return chosen.length;
}

/**
 * The state the app's runners would have left: the ladder of everyone pending at its first step
 * after now, overdue people escalated, a third of the pending ones having opened the memo, and
 * the notifications of acknowledged memos (and half the others) read and all of them dispatched.
 */
async function settleReminders(db: Database, memoIds: number[]): Promise<void> {
	const now = new Date();
	for (const memoId of memoIds) {
		const { rows } = await sql<{ publishedAt: Date; dueOn: string }>`
			select published_at, due_on from memo where id = ${memoId}
		`.execute(db);
		const { publishedAt, dueOn } = rows[0]!;
		let step = ladderStep(LADDER, publishedAt, dueOn, 0);
		while (step && step.at <= now) step = ladderStep(LADDER, publishedAt, dueOn, step.index + 1);
		await sql`
			update memo_recipient set reminder_step = ${step?.index ?? 0},
				next_reminder_at = ${step?.at ?? null},
				escalated_at = case when due_on < ${isoDay(now.getTime())}::date
					then due_on + interval '1 day 8 hours' end,
				first_viewed_at = case when hashint4(user_id::int) % 3 = 0
					then delivered_at + interval '2 hours' end
			where memo_id = ${memoId} and state = 'pending'
		`.execute(db);
	}
	await sql`
		update notification n set read_at = coalesce(r.acknowledged_at, n.created_at + interval '1 day')
		from memo_reminder mr join memo_recipient r on r.memo_id = mr.memo_id and r.user_id = mr.user_id
		where n.kind = 'memo.reminder' and n.subject_id = mr.id
			and (r.state = 'acknowledged' or hashint8(n.id) % 2 = 0)
	`.execute(db);
	await sql`update notification set dispatched_at = created_at where dispatched_at is null`.execute(
		db
	);
}

export async function seedMemoAcknowledgements(
	db: Database,
	memoIds: number[],
	seed: number
): Promise<{ recipients: number; acknowledgements: number }> {
	let acknowledgements = 0;
	for (const id of memoIds) acknowledgements += await acknowledgeSome(db, id, seed);
	await settleReminders(db, memoIds);
	const { rows } = await sql<{ n: number }>`
		select count(*)::int as n from memo_recipient where memo_id = any(${memoIds}::bigint[])
	`.execute(db);
	return { recipients: rows[0]!.n, acknowledgements };
}
