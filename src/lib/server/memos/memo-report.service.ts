/**
 * The memo report for its issuer, the managers of the issuing department and administrators:
 * counts, the roll-up along the department tree, the filterable list of people, a CSV export,
 * and the JSON evidence pack that `npm run audit:verify -- --pack` checks offline.
 */
import { stringify } from 'csv-stringify/sync';
import { spreadsheetSafe } from '../csv.ts';
import { z } from 'zod';
import type { RequestContext } from '../context.ts';
import { db } from '../db/index.ts';
import { requireActor } from '../feeds/post.service.ts';
import { decodeCursor, encodeCursor } from '../pagination.ts';
import type { MemoCounts, MemoReportPerson, MemoRollupRow } from '../../shared/memos.ts';
import type { MemoReportQuery } from '../../shared/schemas/memos.ts';
import { isoDay, loadMemo, requireAllowed } from './memo-access.ts';
import { EVIDENCE_FORMAT } from './memo-evidence.ts';
import { listMemoAuditExcerpt } from './memo-evidence.repository.ts';
import { canMakeException, canViewMemoReport } from './memo.policy.ts';
import {
	getMemoCounts,
	getMemoProgress,
	listAcknowledgements,
	listExceptions,
	listReportPeople,
	type ReportPersonRow
} from './memo-report.repository.ts';
import { listVersions, type MemoRow } from './memo.repository.ts';

async function loadReportable(
	ctx: RequestContext,
	memoId: number,
	action: string
): Promise<MemoRow> {
	const actor = requireActor(ctx);
	const memo = await loadMemo(db(), memoId);
	await requireAllowed(
		ctx,
		canViewMemoReport(actor, memo),
		action,
		memoId,
		'Only the issuer, the managers of its department and administrators see this report.'
	);
	return memo;
}

type MemoReport = {
	memo: { id: number; title: string; status: string; currentVersion: number; dueOn: string | null };
	counts: MemoCounts;
	rollup: MemoRollupRow[];
};

async function reportOf(memo: MemoRow, now: Date): Promise<MemoReport> {
	const { counts, rollup } = await getMemoProgress(db(), memo.id, isoDay(now));
	return {
		memo: {
			id: memo.id,
			title: memo.title,
			status: memo.status,
			currentVersion: memo.currentVersion,
			dueOn: memo.dueOn
		},
		counts,
		rollup
	};
}

/** Counts and the department roll-up. Throws ForbiddenError (audited), NotFoundError. */
export async function getMemoReport(
	ctx: RequestContext,
	memoId: number,
	now: Date = new Date()
): Promise<MemoReport> {
	return reportOf(await loadReportable(ctx, memoId, 'memo.report'), now);
}

/** The counts alone (for a socket that starts watching the report). */
export async function getMemoReportCounts(
	ctx: RequestContext,
	memoId: number,
	now: Date = new Date()
) {
	await loadReportable(ctx, memoId, 'memo.report');
	return getMemoCounts(db(), memoId, isoDay(now));
}

function toPerson(row: ReportPersonRow, today: string): MemoReportPerson {
	const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);
	return {
		...row,
		overdue: row.state === 'pending' && row.dueOn < today,
		deliveredAt: new Date(row.deliveredAt).toISOString(),
		firstViewedAt: iso(row.firstViewedAt),
		acknowledgedAt: iso(row.acknowledgedAt)
	};
}

type ReportPeople = { people: MemoReportPerson[]; nextCursor: string | null };

async function peopleOf(memoId: number, query: MemoReportQuery, now: Date): Promise<ReportPeople> {
	const after = decodeCursor(query.cursor, z.tuple([z.number().int()]));
	const today = isoDay(now);
	const rows = await listReportPeople(db(), memoId, today, {
		status: query.status,
		departmentId: query.departmentId,
		afterUserId: after?.[0],
		limit: query.limit + 1
	});
	const page = rows.slice(0, query.limit);
	return {
		people: page.map((r) => toPerson(r, today)),
		nextCursor: rows.length > query.limit ? encodeCursor([page.at(-1)!.userId]) : null
	};
}

/** People addressed by the memo, filtered by status and department subtree, keyset-paginated. */
export async function listMemoReportPeople(
	ctx: RequestContext,
	memoId: number,
	query: MemoReportQuery,
	now: Date = new Date()
): Promise<ReportPeople> {
	await loadReportable(ctx, memoId, 'memo.report');
	return peopleOf(memoId, query, now);
}

/**
 * The report page: counts, roll-up, one page of people and, among them, those the caller may
 * record an exception for. The memo is read and the right checked (and a refusal audited) once.
 */
export async function getMemoReportPage(
	ctx: RequestContext,
	memoId: number,
	query: MemoReportQuery,
	now: Date = new Date()
): Promise<{ report: MemoReport; people: ReportPeople; mayRecordException: number[] }> {
	const actor = requireActor(ctx);
	const memo = await loadReportable(ctx, memoId, 'memo.report');
	const [report, people] = await Promise.all([reportOf(memo, now), peopleOf(memoId, query, now)]);
	return {
		report,
		people,
		mayRecordException: people.people
			.filter((person) => canMakeException(actor, memo, person))
			.map((person) => person.userId)
	};
}

/** Everyone addressed by the memo as CSV, one row per person, exceptions flagged. */
export async function exportMemoReportCsv(
	ctx: RequestContext,
	memoId: number,
	now: Date = new Date()
): Promise<string> {
	await loadReportable(ctx, memoId, 'memo.report_export');
	const today = isoDay(now);
	const rows = (await listReportPeople(db(), memoId, today, { limit: 1_000_000 })).map((r) =>
		toPerson(r, today)
	);
	return stringify(
		rows.map((p) => [
			p.name,
			p.email,
			p.departmentName,
			p.state === 'acknowledged'
				? 'acknowledged'
				: p.overdue
					? 'overdue'
					: p.firstViewedAt
						? 'viewed'
						: 'pending',
			p.dueOn,
			p.deliveredAt,
			p.firstViewedAt ?? '',
			p.acknowledgedAt ?? '',
			p.acknowledgedVersion ?? '',
			p.onBehalfBy ? `recorded by ${p.onBehalfBy}: ${p.onBehalfReason}` : '',
			p.extended ? 'yes' : '',
			p.joinedLater ? 'yes' : ''
		]),
		{
			header: true,
			cast: { string: spreadsheetSafe },
			columns: [
				'name',
				'email',
				'department',
				'status',
				'due_on',
				'delivered_at',
				'first_viewed_at',
				'acknowledged_at',
				'acknowledged_version',
				'on_behalf',
				'due_date_extended',
				'joined_later'
			]
		}
	);
}

/**
 * The evidence pack: the memo, every version with its content hash, every acknowledgement and
 * exception, and the audit-trail excerpt that recorded them (unrelated events as links only),
 * so that `npm run audit:verify -- --pack file.json` checks it without the app.
 */
export async function buildMemoEvidencePack(
	ctx: RequestContext,
	memoId: number,
	now: Date = new Date()
) {
	const memo = await loadReportable(ctx, memoId, 'memo.evidence');
	const [versions, acknowledgements, exceptions] = await Promise.all([
		listVersions(db(), memoId),
		listAcknowledgements(db(), memoId),
		listExceptions(db(), memoId)
	]);
	const excerpt = await listMemoAuditExcerpt(db(), memoId, {
		versions: versions.map((v) => v.id),
		acknowledgements: acknowledgements.map((a) => a.id),
		exceptions: exceptions.map((e) => e.id)
	});
	return {
		format: EVIDENCE_FORMAT,
		generatedAt: now.toISOString(),
		memo: {
			id: memo.id,
			title: memo.title,
			category: memo.category,
			reference: memo.reference,
			status: memo.status,
			issuingDepartmentId: memo.issuingDepartmentId,
			createdBy: memo.createdBy,
			publishedAt: memo.publishedAt,
			retractedAt: memo.retractedAt,
			currentVersion: memo.currentVersion
		},
		versions,
		acknowledgements,
		exceptions,
		...(excerpt.startPrevHash ? { startPrevHash: excerpt.startPrevHash } : {}),
		auditEvents: excerpt.events
	};
}
