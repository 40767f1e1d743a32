/**
 * The Actor: the signed-in person as policies see them. Loaded once per request by the hook and
 * once per socket connection; policies are plain functions of (actor, object).
 */
import type { Database } from '../db/index.ts';
import { getActorRow, type ActorRow } from './actor.repository.ts';

export type Actor = {
	id: number;
	name: string;
	email: string;
	title: string;
	departmentId: number;
	isAdmin: boolean;
	isCommunications: boolean;
	/** Departments where the person holds the manager role directly. */
	managerOf: number[];
	/** Those departments and all their sub-departments. */
	managedDepartmentIds: number[];
	/** The person's own department and its ancestors: where they are a member. */
	departmentPath: number[];
	/**
	 * Members-only departments the person is not in, and everything below them: what they may not
	 * see. Loaded with the actor (once per request, or per socket connection).
	 */
	hiddenDepartmentIds: number[];
};

export async function loadActor(db: Database, userId: number): Promise<Actor | null> {
	const row = await getActorRow(db, userId);
	return row ? toActor(row) : null;
}

export function toActor(row: ActorRow): Actor {
	return {
		id: row.id,
		name: row.name,
		email: row.email,
		title: row.title,
		departmentId: row.departmentId,
		isAdmin: row.roleKeys.includes('admin'),
		isCommunications: row.roleKeys.includes('communications'),
		managerOf: row.managerOf.map(Number),
		managedDepartmentIds: row.managedDepartmentIds.map(Number),
		departmentPath: row.departmentPath.map(Number),
		hiddenDepartmentIds: row.hiddenDepartmentIds.map(Number)
	};
}

/** How an actor is named in the audit trail. */
export function actorLabel(actor: Pick<Actor, 'name' | 'email'>): string {
	return `${actor.name} <${actor.email}>`;
}
