/**
 * Administering the department tree: create, edit, move (re-parent) and set visibility.
 * Administrators only; refusals are audited.
 */
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
import { canManageDepartments } from './person.policy.ts';
import {
	getDepartment,
	getDepartmentBySlug,
	insertDepartment,
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
	return db()
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
}

/** Edits a department; a new parent moves it with its whole subtree (never under itself). */
export async function updateDepartment(
	ctx: RequestContext,
	departmentId: number,
	input: DepartmentInput
): Promise<DepartmentRecord> {
	await requireAdmin(ctx, 'department.update', departmentId);
	return db()
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
}
