/**
 * Administering the department tree: create, edit, move (re-parent) and set visibility.
 * Administrators only; refusals are audited.
 */
import { enqueueSourcesOfDepartment } from '../search/outbox.repository.ts';
import { recordAudit, recordDenied } from '../audit/audit.service.ts';
import type { RequestContext } from '../context.ts';
import { db, type Database } from '../db/index.ts';
import {
	ConflictError,
	ForbiddenError,
	NotFoundError,
	UnauthorizedError,
	ValidationError
} from '../errors.ts';
import type { DepartmentInput } from '../../shared/schemas/org.ts';
import { deleteNotificationsNowHidden } from '../notifications/notification.repository.ts';
import { publishUnreadCounts } from '../notifications/notification-events.ts';
import { refreshRoomsAfterAccessChange } from '../realtime/access-refresh.ts';
import { canManageDepartments } from './person.policy.ts';
import {
	getDepartment,
	getDepartmentBySlug,
	forgetDepartmentRefs,
	insertDepartment,
	listAllDepartments,
	listSubtreeIds,
	updateDepartmentRow,
	type DepartmentRecord
} from './department.repository.ts';

async function requireAdmin(ctx: RequestContext, action: string, objectId: string | number) {
	if (!ctx.actor) throw new UnauthorizedError('Sign in first.');
	if (!canManageDepartments(ctx.actor)) {
		await recordDenied(ctx, action, 'department', objectId);
		throw new ForbiddenError('Only administrators can manage departments.');
	}
	return ctx.actor;
}

async function checkSlugFree(database: Database, slug: string, exceptId?: number) {
	const existing = await getDepartmentBySlug(database, slug);
	if (existing && existing.id !== exceptId) {
		throw new ConflictError(`The address “${slug}” is already used by ${existing.name}.`);
	}
}

export async function createDepartment(
	ctx: RequestContext,
	input: DepartmentInput
): Promise<DepartmentRecord> {
	await requireAdmin(ctx, 'department.create', input.slug);
	const created = await db()
		.transaction()
		.execute(async (trx) => {
			await checkSlugFree(trx, input.slug);
			if (input.parentId !== null && !(await getDepartment(trx, input.parentId))) {
				throw new ValidationError('That parent department does not exist.', {
					parentId: 'Choose an existing department.'
				});
			}
			const department = await insertDepartment(trx, input);
			await recordAudit(trx, ctx, {
				action: 'department.create',
				objectType: 'department',
				objectId: department.id,
				details: { ...input }
			});
			return department;
		});
	forgetDepartmentRefs();
	return created;
}

/** Edits a department; a new parent moves it with its whole subtree (never under itself). */
export async function updateDepartment(
	ctx: RequestContext,
	departmentId: number,
	input: DepartmentInput
): Promise<DepartmentRecord> {
	await requireAdmin(ctx, 'department.update', departmentId);
	let visibilityMayHaveChanged = false;
	let notified: number[] = [];
	const updated = await db()
		.transaction()
		.execute(async (trx) => {
			const before = await getDepartment(trx, departmentId);
			if (!before) throw new NotFoundError('That department does not exist.');
			await checkSlugFree(trx, input.slug, departmentId);
			if (input.parentId !== null) {
				if (!(await getDepartment(trx, input.parentId))) {
					throw new ValidationError('That parent department does not exist.', {
						parentId: 'Choose an existing department.'
					});
				}
				if ((await listSubtreeIds(trx, departmentId)).includes(input.parentId)) {
					throw new ValidationError(
						'A department cannot move under itself or one of its sub-departments.',
						{
							parentId: 'Choose a department outside this one.'
						}
					);
				}
			}
			const after = await updateDepartmentRow(trx, departmentId, input);
			visibilityMayHaveChanged =
				before.visibility !== after.visibility || before.parentId !== after.parentId;
			// Notifications about what outsiders may no longer read go with the change.
			if (visibilityMayHaveChanged) notified = await deleteNotificationsNowHidden(trx);
			// People show their department's name and pages carry its slug in their address.
			if (before.name !== after.name || before.slug !== after.slug)
				await enqueueSourcesOfDepartment(trx, departmentId);
			const changed = Object.fromEntries(
				(Object.keys(input) as (keyof DepartmentInput)[])
					.filter((k) => before[k] !== after[k])
					.map((k) => [k, { from: before[k], to: after[k] }])
			);
			await recordAudit(trx, ctx, {
				action: 'department.update',
				objectType: 'department',
				objectId: departmentId,
				details: { changes: changed }
			});
			return after;
		});
	forgetDepartmentRefs();
	// Made members-only, or moved under one: open pages of people now outside stop hearing it.
	// Opened up, or moved out from under one: those who follow it hear it again.
	if (visibilityMayHaveChanged) await refreshRoomsAfterAccessChange();
	await publishUnreadCounts(db(), notified);
	return updated;
}

export type AdminDepartment = DepartmentRecord & {
	memberCount: number;
	/** 0 for a top-level department, 1 for its children, and so on. */
	depth: number;
	/** Names from the top of the tree down to this department's parent. */
	path: string[];
};

function inTreeOrder(rows: (DepartmentRecord & { memberCount: number })[]): AdminDepartment[] {
	const children = new Map<number | null, (DepartmentRecord & { memberCount: number })[]>();
	const ids = new Set(rows.map((r) => r.id));
	for (const row of rows) {
		// A parent that is missing (bad data) must not hide the department: list it at the top.
		const parent = row.parentId !== null && ids.has(row.parentId) ? row.parentId : null;
		children.set(parent, [...(children.get(parent) ?? []), row]);
	}
	const ordered: AdminDepartment[] = [];
	const visit = (parentId: number | null, depth: number, path: string[]) => {
		for (const row of children.get(parentId) ?? []) {
			ordered.push({ ...row, memberCount: Number(row.memberCount), depth, path });
			if (depth < 100) visit(row.id, depth + 1, [...path, row.name]);
		}
	};
	visit(null, 0, []);
	return ordered;
}

/**
 * Every department (members-only ones included) in tree order, parents before their children
 * and siblings by name, with active member counts. Administrators only; throws ForbiddenError
 * (audited) otherwise.
 */
export async function listDepartmentsForAdministration(
	ctx: RequestContext
): Promise<AdminDepartment[]> {
	await requireAdmin(ctx, 'department.list', 'all');
	return inTreeOrder(await listAllDepartments(db()));
}

/**
 * One department for its edit page, with every department (for the parent menu) and the ids of
 * its own subtree, which cannot become its parent. Administrators only; throws ForbiddenError
 * (audited) or NotFoundError.
 */
export async function getDepartmentForAdministration(
	ctx: RequestContext,
	departmentId: number
): Promise<{ department: AdminDepartment; departments: AdminDepartment[]; subtreeIds: number[] }> {
	await requireAdmin(ctx, 'department.read', departmentId);
	const departments = inTreeOrder(await listAllDepartments(db()));
	const department = departments.find((d) => d.id === departmentId);
	if (!department) throw new NotFoundError('That department does not exist.');
	return { department, departments, subtreeIds: await listSubtreeIds(db(), departmentId) };
}
