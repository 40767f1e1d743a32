/**
 * Memos, their versions and their audience definitions. The only code that touches these
 * tables with Kysely; recipients and acknowledgements are in memo-recipient.repository.ts.
 */
import { sql, type Insertable, type Selectable } from 'kysely';
import type { Database } from '../db/index.ts';
import type { Memo, MemoVersion } from '../db/schema.ts';
import type { AudienceEntry, MemoQuestion, ReminderLadder } from '../../shared/schemas/memos.ts';
import type { MemoStatus } from '../../shared/memos.ts';

export type MemoRow = Omit<Selectable<Memo>, 'question' | 'reminderLadder' | 'status'> & {
	status: MemoStatus;
	question: MemoQuestion | null;
	reminderLadder: ReminderLadder;
};
export type MemoVersionRow = Selectable<MemoVersion>;

export type MemoFields = {
	title: string;
	bodySource: string;
	category: string;
	issuingDepartmentId: number;
	reference: string | null;
	requiresApproval: boolean;
	dueOn: string | null;
	includeLaterJoiners: boolean;
	laterJoinerDays: number;
	attestation: string | null;
	question: MemoQuestion | null;
	reminderLadder: ReminderLadder;
	supersedesId?: number | null;
};

function toRow(row: Selectable<Memo>): MemoRow {
	return {
		...row,
		status: row.status as MemoStatus,
		question: (row.question ?? null) as MemoQuestion | null,
		reminderLadder: row.reminderLadder as ReminderLadder
	};
}

function serialise(fields: Partial<MemoFields>) {
	const { question, reminderLadder, ...rest } = fields;
	return {
		...rest,
		...(question !== undefined ? { question: question ? JSON.stringify(question) : null } : {}),
		...(reminderLadder !== undefined ? { reminderLadder: JSON.stringify(reminderLadder) } : {})
	};
}

export async function insertMemo(
	db: Database,
	fields: MemoFields & { createdBy: number }
): Promise<MemoRow> {
	const row = await db
		.insertInto('memo')
		.values(serialise(fields) as unknown as Insertable<Memo>)
		.returningAll()
		.executeTakeFirstOrThrow();
	return toRow(row);
}

export async function getMemo(db: Database, id: number): Promise<MemoRow | undefined> {
	const row = await db.selectFrom('memo').selectAll().where('id', '=', id).executeTakeFirst();
	return row && toRow(row);
}

/** The memo, locked until the transaction ends: lifecycle changes are serialised per memo. */
export async function getMemoForUpdate(db: Database, id: number): Promise<MemoRow | undefined> {
	const row = await db
		.selectFrom('memo')
		.selectAll()
		.where('id', '=', id)
		.forUpdate()
		.executeTakeFirst();
	return row && toRow(row);
}

/** What one person's acknowledgement needs to know first, in one read (no locks). */
export type MemoForRecipient = {
	memo: MemoRow;
	/** Their recipient row's state, or null when the memo is not addressed to them. */
	recipient: { state: string; acknowledgedVersion: number | null } | null;
	/** The SHA-256 of the current version's content (null before the first version). */
	currentContentHash: string | null;
	/**
	 * A fresh id from the acknowledgements' sequence, so that an acknowledgement's row hash is
	 * known before it is written (an id left unused is a gap, as after any failed insert).
	 */
	nextAcknowledgementId: number;
};

export async function getMemoForRecipient(
	db: Database,
	memoId: number,
	userId: number
): Promise<MemoForRecipient | undefined> {
	const row = await db
		.selectFrom('memo as m')
		.leftJoin('memoRecipient as r', (join) =>
			join.onRef('r.memoId', '=', 'm.id').on('r.userId', '=', userId)
		)
		.leftJoin('memoVersion as v', (join) =>
			join.onRef('v.memoId', '=', 'm.id').onRef('v.number', '=', 'm.currentVersion')
		)
		.selectAll('m')
		.select([
			'r.userId as recipientUserId',
			'r.state as recipientState',
			'r.acknowledgedVersion as recipientAcknowledgedVersion',
			'v.contentHash as currentContentHash',
			sql<number>`nextval(pg_get_serial_sequence('memo_acknowledgement', 'id'))`.as(
				'nextAcknowledgementId'
			)
		])
		.where('m.id', '=', memoId)
		.executeTakeFirst();
	if (!row) return undefined;
	const {
		recipientUserId,
		recipientState,
		recipientAcknowledgedVersion,
		currentContentHash,
		nextAcknowledgementId,
		...memo
	} = row;
	return {
		memo: toRow(memo),
		recipient:
			recipientUserId === null
				? null
				: { state: recipientState!, acknowledgedVersion: recipientAcknowledgedVersion },
		currentContentHash,
		nextAcknowledgementId: Number(nextAcknowledgementId)
	};
}

export async function updateMemoRow(
	db: Database,
	id: number,
	changes: Partial<MemoFields> & {
		status?: MemoStatus;
		supersededBy?: number;
		reviewComment?: string | null;
		reviewedBy?: number | null;
		reviewedAt?: Date | null;
		currentVersion?: number;
		publishAt?: Date | null;
		publishedAt?: Date | null;
		retractedAt?: Date;
		retractedBy?: number;
		retractionReason?: string;
	}
): Promise<MemoRow> {
	const row = await db
		.updateTable('memo')
		.set({ ...(serialise(changes) as object), updatedAt: sql`now()` })
		.where('id', '=', id)
		.returningAll()
		.executeTakeFirstOrThrow();
	return toRow(row);
}

/** Scheduled memos whose time has come, locked and skipped by other runners. */
export async function claimScheduledMemoIds(
	db: Database,
	now: Date,
	limit: number
): Promise<number[]> {
	const rows = await db
		.selectFrom('memo')
		.select('id')
		.where('status', '=', 'scheduled')
		.where('publishAt', '<=', now)
		.orderBy('publishAt')
		.limit(limit)
		.forUpdate()
		.skipLocked()
		.execute();
	return rows.map((r) => r.id);
}

export async function replaceAudience(db: Database, memoId: number, entries: AudienceEntry[]) {
	await db.deleteFrom('memoAudience').where('memoId', '=', memoId).execute();
	if (!entries.length) return;
	await db
		.insertInto('memoAudience')
		.values(
			entries.map((e) => ({
				memoId,
				kind: e.kind,
				exclude: e.exclude,
				departmentId: e.kind === 'department' ? e.departmentId : null,
				includeSub: e.kind === 'department' ? e.includeSub : true,
				roleKey: e.kind === 'role' ? e.roleKey : null,
				userId: e.kind === 'person' ? e.userId : null
			}))
		)
		.execute();
}

export async function listAudience(db: Database, memoId: number): Promise<AudienceEntry[]> {
	const rows = await db
		.selectFrom('memoAudience')
		.selectAll()
		.where('memoId', '=', memoId)
		.orderBy('id')
		.execute();
	return rows.map((r): AudienceEntry => {
		switch (r.kind) {
			case 'department':
				return {
					kind: 'department',
					departmentId: r.departmentId!,
					includeSub: r.includeSub,
					exclude: r.exclude
				};
			case 'role':
				return { kind: 'role', roleKey: r.roleKey as 'staff', exclude: r.exclude };
			case 'person':
				return { kind: 'person', userId: r.userId!, exclude: r.exclude };
			default:
				return { kind: 'organisation', exclude: r.exclude };
		}
	});
}

/** The departments of named people (to check a manager may address them). */
export async function listDepartmentsOfPeople(
	db: Database,
	userIds: number[]
): Promise<Map<number, number>> {
	if (!userIds.length) return new Map();
	const rows = await db
		.selectFrom('users')
		.select(['id', 'departmentId'])
		.where('id', 'in', userIds)
		.execute();
	return new Map(rows.map((r) => [r.id, r.departmentId]));
}

export async function insertVersion(
	db: Database,
	version: Omit<MemoVersionRow, 'id'>
): Promise<MemoVersionRow> {
	return db.insertInto('memoVersion').values(version).returningAll().executeTakeFirstOrThrow();
}

export async function getVersion(
	db: Database,
	memoId: number,
	number: number
): Promise<MemoVersionRow | undefined> {
	return db
		.selectFrom('memoVersion')
		.selectAll()
		.where('memoId', '=', memoId)
		.where('number', '=', number)
		.executeTakeFirst();
}

export async function listVersions(db: Database, memoId: number): Promise<MemoVersionRow[]> {
	return db
		.selectFrom('memoVersion')
		.selectAll()
		.where('memoId', '=', memoId)
		.orderBy('number')
		.execute();
}
