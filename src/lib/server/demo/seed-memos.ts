/**
 * Demo memos, written inside the demo seed's transaction through the same record functions as
 * real ones (versions and acknowledgements sealed in the audit chain): an organisation-wide
 * policy published five days ago that a dozen people have acknowledged, and an instruction
 * awaiting the chief executive's approval.
 */
import type { Transaction } from 'kysely';
import type { RequestContext } from '../context.ts';
import type { DB } from '../db/schema.ts';
import type { Actor } from '../org/actor.ts';
import { appendAcknowledgement, appendVersion } from '../memos/memo-record.ts';
import {
	insertRecipientsForMemo,
	markAcknowledged,
	markViewed
} from '../memos/memo-recipient.repository.ts';
import { insertMemo, replaceAudience, updateMemoRow } from '../memos/memo.repository.ts';
import { DEFAULT_LADDER } from '../memos/memo-ladder.ts';

type People = Map<string, { id: number; name: string; departmentId: number }>;
const DAY = 86_400_000;

const POLICY = `# Information security policy 2027

This policy applies to everyone who works for the agency.

1. **Lock your screen** whenever you leave your desk.
2. **Report** lost devices and suspicious messages to the service desk within one hour.
3. **Never share** your password or access tokens, including with colleagues.

Questions go to the communications team.
`;

function contextOf(
	person: { id: number; name: string; departmentId: number },
	email: string
): RequestContext {
	const actor: Actor = {
		id: person.id,
		name: person.name,
		email,
		title: '',
		departmentId: person.departmentId,
		isAdmin: false,
		isCommunications: true,
		managerOf: [],
		managedDepartmentIds: [],
		departmentPath: [person.departmentId],
		hiddenDepartmentIds: []
	};
	return { actor, ip: null, userAgent: 'commons-demo-seed' };
}

export async function seedDemoMemos(
	trx: Transaction<DB>,
	people: People,
	now: Date
): Promise<void> {
	const commsEmail = 'comms@commons.test';
	const comms = people.get(commsEmail)!;
	const ctx = contextOf(comms, commsEmail);
	const publishedAt = new Date(now.getTime() - 5 * DAY);
	const dueOn = new Date(now.getTime() + 9 * DAY).toISOString().slice(0, 10);
	const memo = await insertMemo(trx, {
		title: 'Information security policy 2027',
		bodySource: POLICY,
		category: 'policy',
		issuingDepartmentId: comms.departmentId,
		reference: 'POL-2027-01',
		requiresApproval: false,
		dueOn,
		includeLaterJoiners: true,
		laterJoinerDays: 14,
		attestation: 'I will follow this policy.',
		question: null,
		reminderLadder: DEFAULT_LADDER,
		createdBy: comms.id
	});
	await replaceAudience(trx, memo.id, [{ kind: 'organisation', exclude: false }]);
	await insertRecipientsForMemo(trx, memo.id, dueOn, publishedAt);
	const version = await appendVersion(trx, ctx, {
		memoId: memo.id,
		number: 1,
		title: memo.title,
		bodySource: POLICY,
		changeKind: 'initial',
		changeNote: '',
		createdBy: comms.id,
		now: publishedAt
	});
	await updateMemoRow(trx, memo.id, { status: 'published', currentVersion: 1, publishedAt });
	// A dozen people acknowledged over the following days (not the author, who was reminded).
	const readers = [...people.entries()].filter(([email]) => email !== commsEmail).slice(0, 12);
	for (const [i, [email, person]] of readers.entries()) {
		const at = new Date(publishedAt.getTime() + (i + 1) * 7 * 3_600_000);
		const ack = await appendAcknowledgement(
			trx,
			{ ...contextOf(person, email), ip: '10.0.0.1' },
			{
				memoId: memo.id,
				userId: person.id,
				versionNumber: 1,
				contentHash: version.contentHash,
				acknowledgedAt: at,
				ip: '10.0.0.1',
				userAgent: 'Mozilla/5.0 (demo)',
				attested: true,
				onBehalfBy: null,
				onBehalfReason: null
			}
		);
		await markViewed(trx, memo.id, person.id, new Date(at.getTime() - 600_000));
		await markAcknowledged(trx, ack!);
	}

	const draft = await insertMemo(trx, {
		title: 'Travel approvals move to the new form',
		bodySource: 'From next month, request travel with the **new approval form** on the intranet.\n',
		category: 'instruction',
		issuingDepartmentId: comms.departmentId,
		reference: null,
		requiresApproval: true,
		dueOn: new Date(now.getTime() + 30 * DAY).toISOString().slice(0, 10),
		includeLaterJoiners: false,
		laterJoinerDays: 14,
		attestation: null,
		question: null,
		reminderLadder: DEFAULT_LADDER,
		createdBy: comms.id
	});
	await replaceAudience(trx, draft.id, [{ kind: 'organisation', exclude: false }]);
	await updateMemoRow(trx, draft.id, { status: 'awaiting_approval' });
}
