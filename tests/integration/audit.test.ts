/**
 * The audit trail's hash chain against a real database: links, concurrent writers, the
 * append-only triggers, and tamper detection when someone with superuser rights goes around them.
 */
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { listAuditChain } from '../../src/lib/server/audit/audit.repository.ts';
import { recordAudit, recordStandalone } from '../../src/lib/server/audit/audit.service.ts';
import {
	auditHash,
	canonicalJson,
	GENESIS_HASH,
	verifyChain,
	type AuditContent
} from '../../src/lib/server/audit/chain.ts';
import type { RequestContext } from '../../src/lib/server/context.ts';
import { loadActor } from '../../src/lib/server/org/actor.ts';
import { newUser } from '../factories.ts';
import { createTestDatabase } from './database.ts';

const { db } = await createTestDatabase();

const person = await newUser(db, { name: 'Ada Auditor', email: 'ada.auditor@example.test' });
const ctx: RequestContext = {
	actor: await loadActor(db, person.id),
	ip: '127.0.0.1',
	userAgent: 'vitest'
};

async function wholeChain() {
	return listAuditChain(db, 0, 100_000);
}

async function expectRefused(statement: string) {
	await expect(sql.raw(statement).execute(db)).rejects.toThrow(/audit_event is append-only/);
}

describe('the audit chain', () => {
	it('starts at the genesis hash and links each row to the one before', async () => {
		for (let i = 0; i < 5; i++) {
			await recordStandalone(ctx, {
				action: 'test.append',
				objectType: 'thing',
				objectId: i,
				details: { i, nested: { b: 2, a: [1, 'two', null] } }
			});
		}
		const rows = await wholeChain();
		expect(rows).toHaveLength(5);
		expect(rows[0]!.prevHash).toBe(GENESIS_HASH);
		for (let i = 1; i < rows.length; i++) {
			expect(rows[i]!.prevHash).toBe(rows[i - 1]!.hash);
			expect(rows[i]!.id).toBeGreaterThan(rows[i - 1]!.id);
		}
		for (const row of rows) expect(row.hash).toBe(auditHash(row.prevHash, row));
		expect(rows[0]).toMatchObject({
			actorId: person.id,
			actorLabel: 'Ada Auditor <ada.auditor@example.test>',
			outcome: 'success',
			objectId: '0',
			ip: '127.0.0.1',
			userAgent: 'vitest'
		});
		expect(verifyChain(rows)).toEqual({ ok: true, checked: 5, lastHash: rows[4]!.hash });
	});

	it('verifies in batches when the previous batch’s last hash is carried over', async () => {
		const rows = await wholeChain();
		const first = verifyChain(rows.slice(0, 2));
		expect(first.ok).toBe(true);
		if (!first.ok) return;
		const rest = verifyChain(rows.slice(2), first.lastHash, first.checked);
		expect(rest).toEqual({ ok: true, checked: rows.length, lastHash: rows.at(-1)!.hash });
		// Without the carried hash the second batch does not link.
		expect(verifyChain(rows.slice(2))).toMatchObject({ ok: false, brokenId: rows[2]!.id });
	});

	it('leaves no trace of an entry whose transaction rolled back', async () => {
		const before = await wholeChain();
		await expect(
			db.transaction().execute(async (trx) => {
				await recordAudit(trx, ctx, { action: 'test.rolled_back' });
				throw new Error('abort');
			})
		).rejects.toThrow('abort');
		await recordStandalone(ctx, { action: 'test.after_rollback' });
		const after = await wholeChain();
		expect(after.map((r) => r.action)).not.toContain('test.rolled_back');
		expect(after).toHaveLength(before.length + 1);
		expect(verifyChain(after).ok).toBe(true);
	});

	it('stays a single valid chain under 20 concurrent writers', async () => {
		const before = (await wholeChain()).length;
		await Promise.all(
			Array.from({ length: 20 }, (_, i) =>
				i % 2
					? recordStandalone(ctx, { action: 'test.concurrent', objectId: i, details: { i } })
					: db.transaction().execute(async (trx) => {
							await sql`select pg_sleep(0.01)`.execute(trx);
							return recordAudit(trx, ctx, {
								action: 'test.concurrent',
								objectId: i,
								details: { i }
							});
						})
			)
		);
		const rows = await wholeChain();
		expect(rows).toHaveLength(before + 20);
		expect(verifyChain(rows)).toMatchObject({ ok: true, checked: rows.length });
		// No fork: every previous hash is used exactly once.
		expect(new Set(rows.map((r) => r.prevHash)).size).toBe(rows.length);
		const concurrent = rows.filter((r) => r.action === 'test.concurrent');
		expect(concurrent.map((r) => Number(r.objectId)).sort((a, b) => a - b)).toEqual(
			Array.from({ length: 20 }, (_, i) => i)
		);
	});

	it('hashes details the same whatever order PostgreSQL’s jsonb returns their keys in', async () => {
		const row = await recordStandalone(ctx, {
			action: 'test.key_order',
			details: { zeta: 1, alpha: { y: true, x: [3, { d: 1, c: 2 }] }, mid: 'é ✓ "quoted"' }
		});
		const [stored] = await listAuditChain(db, row.id - 1, 1);
		expect(stored!.id).toBe(row.id);
		// jsonb stores keys in its own order; the hash still holds.
		expect(Object.keys(stored!.details)).not.toEqual(['zeta', 'alpha', 'mid']);
		expect(auditHash(stored!.prevHash, stored!)).toBe(row.hash);
	});
});

describe('appending in the database', () => {
	it('links and hashes exactly as the verifier does, whatever the text', async () => {
		const texts = [
			'é ✓ "quoted" \\ back\\slash',
			'emoji 🎉 and 𝄞 beyond the basic plane',
			'中文 עברית العربية',
			'new\nline\ttab \u2028 separator \u0001 control',
			''
		];
		const before = (await wholeChain()).length;
		for (const text of texts) {
			await recordStandalone(
				{ actor: null, ip: null, userAgent: text },
				{
					action: 'test.text',
					actorLabel: text,
					objectType: text || undefined,
					objectId: text,
					details: { text, nested: [text, { [text]: text, n: 1.5, t: true, z: null }] }
				}
			);
		}
		const rows = await wholeChain();
		expect(rows).toHaveLength(before + texts.length);
		for (const row of rows) expect(row.hash).toBe(auditHash(row.prevHash, row));
		expect(verifyChain(rows)).toMatchObject({ ok: true, checked: rows.length });
	});

	it('refuses to append under REPEATABLE READ, where the last hash it read could be stale', async () => {
		await expect(
			db
				.transaction()
				.setIsolationLevel('repeatable read')
				.execute((trx) => recordAudit(trx, ctx, { action: 'test.isolation' }))
		).rejects.toThrow(/READ COMMITTED only/);
		expect((await wholeChain()).some((r) => r.action === 'test.isolation')).toBe(false);
	});
});

describe('the database refuses changes to the audit trail', () => {
	it('refuses UPDATE', async () => {
		await expectRefused(`update audit_event set action = 'x'`);
		await expectRefused(
			`update audit_event set details = '{}' where id = (select min(id) from audit_event)`
		);
	});

	it('refuses DELETE', async () => {
		await expectRefused(`delete from audit_event`);
		await expectRefused(`delete from audit_event where id = (select max(id) from audit_event)`);
	});

	it('refuses TRUNCATE', async () => {
		await expectRefused(`truncate audit_event`);
	});

	it('reports the refusal as insufficient_privilege and changes nothing', async () => {
		const before = await wholeChain();
		const error = await sql`update audit_event set action = 'x'`.execute(db).catch((e) => e);
		expect((error as { code?: string }).code).toBe('42501');
		expect(await wholeChain()).toEqual(before);
	});
});

describe('canonicalJson', () => {
	it('serialises equal content equally whatever the key order, at every level', () => {
		const a = { b: 1, a: { d: [1, { y: 2, x: 1 }], c: null }, e: 'text' };
		const b = { e: 'text', a: { c: null, d: [1, { x: 1, y: 2 }] }, b: 1 };
		expect(canonicalJson(a)).toBe(canonicalJson(b));
		expect(canonicalJson(a)).toBe('{"a":{"c":null,"d":[1,{"x":1,"y":2}]},"b":1,"e":"text"}');
	});

	it('keeps array order, drops undefined properties and writes dates as ISO strings', () => {
		expect(canonicalJson([2, 1])).not.toBe(canonicalJson([1, 2]));
		expect(canonicalJson({ a: 1, b: undefined })).toBe(canonicalJson({ a: 1 }));
		expect(canonicalJson({ at: new Date('2026-01-02T03:04:05.678Z') })).toBe(
			'{"at":"2026-01-02T03:04:05.678Z"}'
		);
		expect(canonicalJson('a"b')).toBe('"a\\"b"');
		expect(canonicalJson(undefined)).toBe('null');
	});

	it('makes auditHash independent of key order and sensitive to every field', () => {
		const content: AuditContent = {
			occurredAt: new Date('2026-01-02T03:04:05.678Z'),
			actorId: 7,
			actorLabel: 'Someone <someone@example.test>',
			action: 'thing.do',
			objectType: 'thing',
			objectId: '9',
			outcome: 'success',
			ip: '10.0.0.1',
			userAgent: 'ua',
			details: { b: 1, a: 2 }
		};
		const hash = auditHash(GENESIS_HASH, content);
		expect(auditHash(GENESIS_HASH, { ...content, details: { a: 2, b: 1 } })).toBe(hash);
		const changes: Partial<AuditContent>[] = [
			{ occurredAt: new Date('2026-01-02T03:04:05.679Z') },
			{ actorId: 8 },
			{ actorId: null },
			{ actorLabel: 'Someone else' },
			{ action: 'thing.undo' },
			{ objectType: null },
			{ objectId: '10' },
			{ outcome: 'denied' },
			{ ip: null },
			{ userAgent: 'other' },
			{ details: { a: 2, b: 2 } }
		];
		for (const change of changes) {
			expect(auditHash(GENESIS_HASH, { ...content, ...change }), JSON.stringify(change)).not.toBe(
				hash
			);
		}
		expect(auditHash('1'.repeat(64), content)).not.toBe(hash);
	});
});

// These run last: they break the chain of this file's database on purpose.
describe('tamper detection', () => {
	it('names a row altered by someone who disabled the trigger, and holds again once it is restored', async () => {
		const rows = await wholeChain();
		const victim = rows[3]!;
		await sql`alter table audit_event disable trigger audit_event_append_only`.execute(db);
		try {
			await sql`update audit_event set action = 'test.innocent' where id = ${victim.id}`.execute(
				db
			);
		} finally {
			await sql`alter table audit_event enable trigger audit_event_append_only`.execute(db);
		}

		const verdict = verifyChain(await wholeChain());
		expect(verdict).toMatchObject({ ok: false, brokenId: victim.id, checked: 3 });
		expect(verdict.ok ? '' : verdict.reason).toMatch(/altered/);

		// The trigger is back: the same update is refused again.
		await expectRefused(
			`update audit_event set action = '${victim.action}' where id = ${victim.id}`
		);

		await sql`alter table audit_event disable trigger audit_event_append_only`.execute(db);
		try {
			await sql`update audit_event set action = ${victim.action} where id = ${victim.id}`.execute(
				db
			);
		} finally {
			await sql`alter table audit_event enable trigger audit_event_append_only`.execute(db);
		}
		expect(verifyChain(await wholeChain()).ok).toBe(true);
	});

	it('notices a row whose hash was recomputed after the change (the next row no longer links)', async () => {
		const rows = await wholeChain();
		const victim = rows[2]!;
		const forged = auditHash(victim.prevHash, { ...victim, outcome: 'denied' });
		await sql`alter table audit_event disable trigger audit_event_append_only`.execute(db);
		try {
			await sql`update audit_event set outcome = 'denied', hash = ${forged} where id = ${victim.id}`.execute(
				db
			);
		} finally {
			await sql`alter table audit_event enable trigger audit_event_append_only`.execute(db);
		}
		const verdict = verifyChain(await wholeChain());
		expect(verdict).toMatchObject({ ok: false, brokenId: rows[3]!.id });
		expect(verdict.ok ? '' : verdict.reason).toMatch(/previous-hash link/);

		await sql`alter table audit_event disable trigger audit_event_append_only`.execute(db);
		try {
			await sql`update audit_event set outcome = ${victim.outcome}, hash = ${victim.hash} where id = ${victim.id}`.execute(
				db
			);
		} finally {
			await sql`alter table audit_event enable trigger audit_event_append_only`.execute(db);
		}
		expect(verifyChain(await wholeChain()).ok).toBe(true);
	});

	it('names the row after a deleted one', async () => {
		const rows = await wholeChain();
		const victim = rows[5]!;
		await sql`alter table audit_event disable trigger audit_event_append_only`.execute(db);
		try {
			await sql`delete from audit_event where id = ${victim.id}`.execute(db);
		} finally {
			await sql`alter table audit_event enable trigger audit_event_append_only`.execute(db);
		}
		const verdict = verifyChain(await wholeChain());
		expect(verdict).toMatchObject({ ok: false, brokenId: rows[6]!.id, checked: 5 });
		expect(verdict.ok ? '' : verdict.reason).toMatch(/removed/);
	});
});
