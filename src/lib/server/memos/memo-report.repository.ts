/**
 * Report queries: counts by state, the counts with the roll-up along the department tree (one
 * statement), the keyset-paginated list of people, and the rows of the evidence pack.
 */
import { sql } from 'kysely';
import type { Database } from '../db/index.ts';
import type { MemoCounts, MemoRollupRow } from '../../shared/memos.ts';

const countColumns = (today: string) => sql`
	count(*)::int as total,
	count(*) filter (where state = 'acknowledged')::int as acknowledged,
	count(*) filter (where state = 'pending' and first_viewed_at is not null)::int as viewed,
	count(*) filter (where state = 'pending')::int as pending,
	count(*) filter (where state = 'pending' and due_on < ${today}::date)::int as overdue
`;

export async function getMemoCounts(
	db: Database,
	memoId: number,
	today: string
): Promise<MemoCounts> {
	const { rows } = await sql<MemoCounts>`
		select ${countColumns(today)},
			(select count(*) from memo_acknowledgement a
			 where a.memo_id = ${memoId} and a.on_behalf_by is not null)::int as on_behalf,
			count(*) filter (where extended)::int as extended
		from memo_recipient where memo_id = ${memoId}
	`.execute(db);
	return rows[0]!;
}

/**
 * The report's numbers in one statement, from one pass over the memo's recipients: the counts
 * (as `getMemoCounts`), and each department with recipients in it or below it, with the totals
 * of its whole subtree: counts per department, then each count added to every ancestor. The
 * counts are the sums of the per-department ones, so the two always agree.
 */
export async function getMemoProgress(
	db: Database,
	memoId: number,
	today: string
): Promise<{ counts: MemoCounts; rollup: MemoRollupRow[] }> {
	const { rows } = await sql<{ counts: MemoCounts; rollup: MemoRollupRow[] }>`
		with recursive per_department as (
			select department_id, ${countColumns(today)},
				count(*) filter (where extended)::int as extended
			from memo_recipient where memo_id = ${memoId}
			group by department_id
		),
		up (department_id, ancestor_id) as (
			select department_id, department_id from per_department
			union all
			select up.department_id, d.parent_id
			from up join department d on d.id = up.ancestor_id
			where d.parent_id is not null
		),
		rollup as (
			select d.id, d.name, d.parent_id,
				sum(p.total) as total, sum(p.acknowledged) as acknowledged, sum(p.viewed) as viewed,
				sum(p.pending) as pending, sum(p.overdue) as overdue
			from up
				join per_department p on p.department_id = up.department_id
				join department d on d.id = up.ancestor_id
			group by d.id, d.name, d.parent_id
		)
		select
			(select json_build_object(
				'total', coalesce(sum(total), 0), 'acknowledged', coalesce(sum(acknowledged), 0),
				'viewed', coalesce(sum(viewed), 0), 'pending', coalesce(sum(pending), 0),
				'overdue', coalesce(sum(overdue), 0), 'extended', coalesce(sum(extended), 0),
				'onBehalf', (select count(*) from memo_acknowledgement a
					where a.memo_id = ${memoId} and a.on_behalf_by is not null))
			 from per_department) as counts,
			(select coalesce(json_agg(json_build_object(
				'departmentId', id, 'name', name, 'parentId', parent_id,
				'counts', json_build_object('total', total, 'acknowledged', acknowledged,
					'viewed', viewed, 'pending', pending, 'overdue', overdue)
			 ) order by name, id), '[]'::json)
			 from rollup) as rollup
	`.execute(db);
	return rows[0]!;
}

export type ReportFilter = {
	status?: 'acknowledged' | 'viewed' | 'pending' | 'overdue';
	/** A department and its sub-departments. */
	departmentId?: number;
	afterUserId?: number;
	limit: number;
};

export type ReportPersonRow = {
	userId: number;
	name: string;
	email: string;
	departmentId: number;
	departmentName: string;
	state: 'pending' | 'acknowledged';
	dueOn: string;
	deliveredAt: Date;
	firstViewedAt: Date | null;
	acknowledgedAt: Date | null;
	acknowledgedVersion: number | null;
	onBehalfBy: string | null;
	onBehalfReason: string | null;
	extended: boolean;
	joinedLater: boolean;
};

/** People addressed by the memo, by person id (keyset on the primary key), filtered. */
export async function listReportPeople(
	db: Database,
	memoId: number,
	today: string,
	filter: ReportFilter
): Promise<ReportPersonRow[]> {
	const status =
		{
			acknowledged: sql`and r.state = 'acknowledged'`,
			viewed: sql`and r.state = 'pending' and r.first_viewed_at is not null`,
			pending: sql`and r.state = 'pending'`,
			overdue: sql`and r.state = 'pending' and r.due_on < ${today}::date`
		}[filter.status ?? ('none' as 'pending')] ?? sql``;
	const department = filter.departmentId
		? sql`and r.department_id in (
				with recursive sub as (
					select id from department where id = ${filter.departmentId}
					union select d.id from department d join sub on d.parent_id = sub.id
				) select id from sub)`
		: sql``;
	const { rows } = await sql<ReportPersonRow>`
		select r.user_id, u.name, u.email, r.department_id, d.name as department_name, r.state,
			r.due_on, r.delivered_at, r.first_viewed_at, r.acknowledged_at, r.acknowledged_version,
			b.name as on_behalf_by, a.on_behalf_reason, r.extended, r.joined_later
		from memo_recipient r
			join users u on u.id = r.user_id
			join department d on d.id = r.department_id
			left join memo_acknowledgement a on a.id = r.acknowledgement_id
			left join users b on b.id = a.on_behalf_by
		where r.memo_id = ${memoId} and r.user_id > ${filter.afterUserId ?? 0}
			${status} ${department}
		order by r.user_id
		limit ${filter.limit}
	`.execute(db);
	return rows;
}

export async function listAcknowledgements(db: Database, memoId: number) {
	return db
		.selectFrom('memoAcknowledgement')
		.selectAll()
		.where('memoId', '=', memoId)
		.orderBy('id')
		.execute();
}

export async function listExceptions(db: Database, memoId: number) {
	return db
		.selectFrom('memoException')
		.selectAll()
		.where('memoId', '=', memoId)
		.orderBy('id')
		.execute();
}
