/**
 * A small organisation for the memo tests, and a helper that drafts and publishes a memo.
 */
import type { Database } from '../../src/lib/server/db/index.ts';
import type { RequestContext } from '../../src/lib/server/context.ts';
import { createMemoDraft } from '../../src/lib/server/memos/memo.service.ts';
import { publishMemo } from '../../src/lib/server/memos/memo-publish.service.ts';
import { memoDraftSchema, type MemoDraftInput } from '../../src/lib/shared/schemas/memos.ts';
import { contextFor, grantRole, newDepartment, newUser } from '../factories.ts';

export async function memoOrganisation(db: Database, prefix: string) {
	// agency ── ops ── field ── north
	//        └─ legal
	const agency = await newDepartment(db, { slug: `${prefix}-agency`, name: 'Agency' });
	const ops = await newDepartment(db, {
		slug: `${prefix}-ops`,
		name: 'Operations',
		parentId: agency.id
	});
	const field = await newDepartment(db, {
		slug: `${prefix}-field`,
		name: 'Field',
		parentId: ops.id
	});
	const north = await newDepartment(db, {
		slug: `${prefix}-north`,
		name: 'North',
		parentId: field.id
	});
	const legal = await newDepartment(db, {
		slug: `${prefix}-legal`,
		name: 'Legal',
		parentId: agency.id
	});
	const person = (name: string, departmentId: number) => newUser(db, { name, departmentId });
	const chief = await person('Chief Agency', agency.id);
	await grantRole(db, chief.id, 'manager', agency.id);
	const olga = await person('Olga Ops', ops.id);
	await grantRole(db, olga.id, 'manager', ops.id);
	const fred = await person('Fred Field', field.id);
	const nina = await person('Nina North', north.id);
	const noah = await person('Noah North', north.id);
	const lena = await person('Lena Legal', legal.id);
	const comms = await person('Cora Comms', agency.id);
	await grantRole(db, comms.id, 'communications');
	const admin = await person('Ada Admin', agency.id);
	await grantRole(db, admin.id, 'admin');
	const gone = await newUser(db, {
		name: 'Gone Person',
		departmentId: north.id,
		status: 'deactivated'
	});
	const people = { chief, olga, fred, nina, noah, lena, comms, admin, gone };
	const as = Object.fromEntries(
		await Promise.all(Object.entries(people).map(async ([k, p]) => [k, await contextFor(db, p.id)]))
	) as Record<keyof typeof people, RequestContext>;
	return { departments: { agency, ops, field, north, legal }, people, as };
}

export function draft(
	overrides: Partial<MemoDraftInput> & { issuingDepartmentId: number }
): MemoDraftInput {
	return memoDraftSchema.parse({
		title: 'Clean desk policy',
		body: '# Clean desk\n\nLock your screen.\n',
		category: 'policy',
		dueOn: '2099-01-31',
		...overrides
	});
}

export async function publishNew(
	ctx: RequestContext,
	input: MemoDraftInput,
	now: Date = new Date()
) {
	const memo = await createMemoDraft(ctx, input);
	return publishMemo(ctx, memo.id, { publishAt: null }, now);
}
