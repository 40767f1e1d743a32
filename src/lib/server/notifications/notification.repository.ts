import { sql } from 'kysely';
import type { Database } from '../db/index.ts';

/**
 * Stores one notification per recipient in a single statement. Only active people, never the
 * actor, and (when `visibleToDepartmentIds` is given) only people whose department is among
 * them, so nobody is told about something they may not open. A repeat (same recipient, kind and
 * subject) is ignored: editing a post does not mention someone twice.
 */
export async function insertNotifications(
	db: Database,
	input: {
		recipientIds: number[];
		kind: string;
		actorId: number;
		subjectType: string;
		subjectId: number;
		context: Record<string, unknown>;
		visibleToDepartmentIds?: number[];
	}
): Promise<number[]> {
	if (!input.recipientIds.length) return [];
	const departmentFilter = input.visibleToDepartmentIds
		? sql`and u.department_id = any(${input.visibleToDepartmentIds}::bigint[])`
		: sql``;
	const { rows } = await sql<{ id: number }>`
		insert into notification (recipient_id, kind, actor_id, subject_type, subject_id, context)
		select u.id, ${input.kind}, ${input.actorId}, ${input.subjectType}, ${input.subjectId},
			${JSON.stringify(input.context)}::jsonb
		from users u
		where u.id = any(${input.recipientIds}::bigint[])
			and u.status = 'active'
			and u.id <> ${input.actorId}
			${departmentFilter}
		on conflict (recipient_id, kind, subject_type, subject_id) do nothing
		returning recipient_id as id
	`.execute(db);
	return rows.map((r) => Number(r.id));
}

export async function listNotificationsForRecipient(db: Database, recipientId: number, limit = 50) {
	return db
		.selectFrom('notification')
		.where('recipientId', '=', recipientId)
		.selectAll()
		.orderBy('createdAt', 'desc')
		.orderBy('id', 'desc')
		.limit(limit)
		.execute();
}
