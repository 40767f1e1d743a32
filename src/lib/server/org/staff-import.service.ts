/**
 * Importing or updating people from a CSV staff directory, upserting by email.
 *
 * `previewStaffImport` is the dry run: it lists what would be created or changed and every
 * invalid cell (row and column named). `applyStaffImport` plans again inside its transaction
 * (the database may have changed since the preview) and writes nothing if any row is invalid.
 *
 * Columns (header row required, any order, case-insensitive): email, name, title, department
 * (slug or exact name), manager_email, status (active or deactivated). Unknown columns are refused.
 * An optional column the file does not have leaves that field alone for people already in the
 * directory; a blank manager_email or status cell does the same (new people get no manager and
 * status active), while a blank title cell clears the title.
 */
import { enqueueSearchIndex } from '../search/outbox.repository.ts';
import { deliverMemosToJoiners } from '../memos/memo-joiners.ts';
import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import { recordAudit, recordDenied, type AuditEntry } from '../audit/audit.service.ts';
import { deleteUserSessions } from '../auth/session.repository.ts';
import type { RequestContext } from '../context.ts';
import { db, type Database } from '../db/index.ts';
import { ForbiddenError, UnauthorizedError, ValidationError } from '../errors.ts';
import { deleteNotificationsNowHidden } from '../notifications/notification.repository.ts';
import { publishUnreadCounts } from '../notifications/notification-events.ts';
import { refreshRoomsAfterAccessChange } from '../realtime/access-refresh.ts';
import { disconnectUser } from '../realtime/publish.ts';
import { emailSchema } from '../../shared/schemas/org.ts';
import { listAllDepartments } from './department.repository.ts';
import { listActiveAdminIds, lockAdministrators } from './role.repository.ts';
import { personChanges } from './people.service.ts';
import { canManagePeople } from './person.policy.ts';
import {
	getPeopleByEmails,
	insertPerson,
	listManagerLinks,
	updatePersonRow,
	type PersonRecord
} from './person.repository.ts';

export const IMPORT_MAX_BYTES = 5 * 1024 * 1024;
export const IMPORT_MAX_ROWS = 20_000;
const COLUMNS = ['email', 'name', 'title', 'department', 'manager_email', 'status'] as const;
const REQUIRED = ['email', 'name', 'department'] as const;
type Column = (typeof COLUMNS)[number];

export type ImportError = { row: number; column: Column | null; message: string };
export type ImportChange = { from: string | null; to: string | null };
export type ImportRowPlan = {
	row: number;
	email: string;
	name: string;
	action: 'create' | 'update' | 'unchanged';
	changes: Record<string, ImportChange>;
};
export type ImportPlan = {
	rows: ImportRowPlan[];
	errors: ImportError[];
	counts: { create: number; update: number; unchanged: number };
};

const rowSchema = z.object({
	email: emailSchema,
	name: z
		.string()
		.trim()
		.min(1, 'The name is empty.')
		.max(200, 'The name is longer than 200 characters.'),
	title: z.string().trim().max(200, 'The title is longer than 200 characters.'),
	department: z.string().trim().min(1, 'The department is empty.'),
	manager_email: z.union([z.literal(''), emailSchema]),
	status: z.enum(['', 'active', 'deactivated'], {
		error: 'Use “active” or “deactivated” (or leave it blank).'
	})
});

type ParsedRow = { row: number; values: Record<Column, string> };
type ParsedCsv = { rows: ParsedRow[]; errors: ImportError[]; columns: Set<Column> };

function parseCsv(text: string): ParsedCsv {
	if (Buffer.byteLength(text) > IMPORT_MAX_BYTES) {
		return {
			rows: [],
			columns: new Set(),
			errors: [
				{
					row: 0,
					column: null,
					message: `The file is larger than ${IMPORT_MAX_BYTES / 1024 / 1024} MB. Split it into smaller files.`
				}
			]
		};
	}
	let records: { record: Record<string, string>; info: { lines: number } }[];
	let header: string[] = [];
	try {
		records = parse(text, {
			bom: true,
			trim: true,
			skip_empty_lines: true,
			info: true,
			columns: (names: string[]) => {
				header = names.map((n) =>
					n
						.trim()
						.toLowerCase()
						.replace(/[\s-]+/g, '_')
				);
				return header;
			}
		});
	} catch (error) {
		const line = (error as { lines?: number }).lines ?? 0;
		return {
			rows: [],
			columns: new Set(),
			errors: [
				{
					row: line,
					column: null,
					message: `The file is not valid CSV: ${(error as Error).message}`
				}
			]
		};
	}
	const errors: ImportError[] = [];
	const unknown = header.filter((h) => !(COLUMNS as readonly string[]).includes(h));
	if (unknown.length) {
		errors.push({
			row: 1,
			column: null,
			message: `Unknown column${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}. Use: ${COLUMNS.join(', ')}.`
		});
	}
	for (const required of REQUIRED) {
		if (!header.includes(required))
			errors.push({ row: 1, column: required, message: `The header has no “${required}” column.` });
	}
	if (records.length > IMPORT_MAX_ROWS) {
		errors.push({
			row: 0,
			column: null,
			message: `The file has ${records.length} rows; the limit is ${IMPORT_MAX_ROWS}.`
		});
	}
	if (records.length === 0 && errors.length === 0)
		errors.push({ row: 1, column: null, message: 'The file has a header but no people.' });
	const rows = records.map(({ record, info }) => ({
		row: info.lines,
		values: Object.fromEntries(COLUMNS.map((c) => [c, record[c] ?? ''])) as Record<Column, string>
	}));
	const columns = new Set(COLUMNS.filter((c) => header.includes(c)));
	return { rows, errors, columns };
}

/** Builds the plan against the database as it is now. Pure reads. */
async function planImport(
	database: Database,
	text: string,
	actorId: number
): Promise<ImportPlan & { resolved: ResolvedRow[] }> {
	const { rows, errors, columns } = parseCsv(text);
	const empty = { rows: [], errors, counts: { create: 0, update: 0, unchanged: 0 }, resolved: [] };
	if (errors.length) return empty;

	const departments = await listAllDepartments(database);
	const bySlug = new Map(departments.map((d) => [d.slug, d]));
	const byName = new Map(departments.map((d) => [d.name.toLowerCase(), d]));

	const valid: { row: number; data: z.infer<typeof rowSchema> }[] = [];
	const seen = new Map<string, number>();
	for (const { row, values } of rows) {
		const result = rowSchema.safeParse(values);
		if (!result.success) {
			for (const issue of result.error.issues)
				errors.push({ row, column: issue.path[0] as Column, message: issue.message });
			continue;
		}
		const first = seen.get(result.data.email);
		if (first !== undefined) {
			errors.push({
				row,
				column: 'email',
				message: `${result.data.email} already appears on row ${first}.`
			});
			continue;
		}
		seen.set(result.data.email, row);
		valid.push({ row, data: result.data });
	}

	const emails = [
		...new Set([
			...valid.map((v) => v.data.email),
			...valid.map((v) => v.data.manager_email).filter(Boolean)
		])
	];
	const existing = new Map((await getPeopleByEmails(database, emails)).map((p) => [p.email, p]));
	const existingById = new Map([...existing.values()].map((p) => [p.id, p]));

	const resolved: ResolvedRow[] = [];
	const plans: ImportRowPlan[] = [];
	for (const { row, data } of valid) {
		const department =
			bySlug.get(data.department.toLowerCase()) ?? byName.get(data.department.toLowerCase());
		if (!department) {
			errors.push({
				row,
				column: 'department',
				message: `No department has the address or name “${data.department}”.`
			});
			continue;
		}
		if (data.manager_email === data.email) {
			errors.push({
				row,
				column: 'manager_email',
				message: 'A person cannot be their own manager.'
			});
			continue;
		}
		if (data.manager_email && !existing.has(data.manager_email) && !seen.has(data.manager_email)) {
			errors.push({
				row,
				column: 'manager_email',
				message: `${data.manager_email} is neither in the directory nor in this file.`
			});
			continue;
		}
		const current = existing.get(data.email);
		const next = {
			name: data.name,
			title: columns.has('title') ? data.title : (current?.title ?? ''),
			departmentSlug: department.slug,
			managerEmail: data.manager_email || null,
			status: data.status || current?.status || 'active'
		};
		const changes: Record<string, ImportChange> = {};
		if (current) {
			const before = {
				name: current.name,
				title: current.title,
				departmentSlug: departments.find((d) => d.id === current.departmentId)?.slug ?? null,
				managerEmail: current.managerId
					? (existingById.get(current.managerId)?.email ?? `#${current.managerId}`)
					: null,
				status: current.status
			};
			for (const key of Object.keys(next) as (keyof typeof next)[]) {
				// No manager given leaves the current manager alone.
				if (key === 'managerEmail' && next.managerEmail === null) continue;
				if (before[key] !== next[key]) changes[key] = { from: before[key], to: next[key] };
			}
		}
		const action = !current ? 'create' : Object.keys(changes).length ? 'update' : 'unchanged';
		plans.push({ row, email: data.email, name: data.name, action, changes });
		resolved.push({
			row,
			action,
			current,
			email: data.email,
			name: data.name,
			title: next.title,
			departmentId: department.id,
			managerEmail: next.managerEmail,
			status: next.status
		});
	}

	if (resolved.some((r) => r.managerEmail))
		errors.push(...findManagerLoops(resolved, existing, await listManagerLinks(database)));
	errors.push(...(await deactivationErrors(database, resolved, actorId)));

	errors.sort((a, b) => a.row - b.row);
	const counts = { create: 0, update: 0, unchanged: 0 };
	for (const p of plans) counts[p.action]++;
	return { rows: plans, errors, counts, resolved };
}

/**
 * The rules a manual deactivation keeps (people.service's deactivatePerson): nobody deactivates
 * themselves, and the file may not leave the organisation without an active administrator.
 */
async function deactivationErrors(
	database: Database,
	resolved: ResolvedRow[],
	actorId: number
): Promise<ImportError[]> {
	const deactivating = resolved.filter(
		(r) => r.current && r.status === 'deactivated' && r.current.status !== 'deactivated'
	);
	if (!deactivating.length) return [];
	const errors: ImportError[] = deactivating
		.filter((r) => r.current!.id === actorId)
		.map((r) => ({
			row: r.row,
			column: 'status',
			message: 'You cannot deactivate your own account. Ask another administrator.'
		}));
	const admins = new Set(await listActiveAdminIds(database));
	const leaving = deactivating.filter((r) => admins.has(r.current!.id));
	if (leaving.length && leaving.length >= admins.size)
		for (const r of leaving)
			if (r.current!.id !== actorId)
				errors.push({
					row: r.row,
					column: 'status',
					message:
						'This would leave no active administrator. Make someone else an administrator first.'
				});
	return errors;
}

type ResolvedRow = {
	row: number;
	action: ImportRowPlan['action'];
	current: PersonRecord | undefined;
	email: string;
	name: string;
	title: string;
	departmentId: number;
	managerEmail: string | null;
	status: string;
};

/**
 * Rows whose manager, as the file would leave things, leads back to themselves: through other rows
 * of the file and through the people the file does not mention alike.
 */
function findManagerLoops(
	resolved: ResolvedRow[],
	existing: Map<string, PersonRecord>,
	links: Map<number, number | null>
): ImportError[] {
	// People new in this file get negative ids so the whole graph is one map of numbers.
	const idOf = new Map<string, number>();
	resolved.forEach((r, i) => {
		const id = r.current?.id ?? -(i + 1);
		idOf.set(r.email, id);
	});
	for (const p of existing.values()) {
		idOf.set(p.email, p.id);
	}
	const managerOf = new Map(links);
	for (const r of resolved) {
		const id = idOf.get(r.email)!;
		managerOf.set(
			id,
			r.managerEmail ? (idOf.get(r.managerEmail) ?? null) : (r.current?.managerId ?? null)
		);
	}
	const errors: ImportError[] = [];
	for (const r of resolved) {
		if (!r.managerEmail) continue;
		const start = idOf.get(r.email)!;
		const seen = new Set<number>();
		for (let id = managerOf.get(start) ?? null; id !== null; id = managerOf.get(id) ?? null) {
			if (id === start) {
				errors.push({
					row: r.row,
					column: 'manager_email',
					message: `That would make a loop of managers: ${r.managerEmail} reports (directly or indirectly) to ${r.email}.`
				});
				break;
			}
			if (seen.has(id)) break; // a loop further up that does not include this row
			seen.add(id);
		}
	}
	return errors;
}

function requireAdmin(ctx: RequestContext) {
	if (!ctx.actor) throw new UnauthorizedError('Sign in first.');
	return ctx.actor;
}

/** The dry run: what the file would change, and every invalid cell. Administrators only. */
export async function previewStaffImport(ctx: RequestContext, text: string): Promise<ImportPlan> {
	const actor = requireAdmin(ctx);
	if (!canManagePeople(actor)) {
		await recordDenied(ctx, 'people.import', 'import', 'preview');
		throw new ForbiddenError('Only administrators can import people.');
	}
	const { resolved: _resolved, ...plan } = await planImport(db(), text, actor.id);
	return plan;
}

/**
 * Applies the file. Throws ValidationError (writing nothing) when any row is invalid.
 * Deactivated people lose their sessions and sockets, as with a manual deactivation.
 */
export async function applyStaffImport(
	ctx: RequestContext,
	text: string
): Promise<ImportPlan['counts']> {
	const actor = requireAdmin(ctx);
	if (!canManagePeople(actor)) {
		await recordDenied(ctx, 'people.import', 'import', 'apply');
		throw new ForbiddenError('Only administrators can import people.');
	}
	const deactivated: number[] = [];
	const moved: number[] = [];
	let notified: number[] = [];
	const counts = await db()
		.transaction()
		.execute(async (trx) => {
			// Deactivations are checked against the administrators as they are now (see people.service).
			await lockAdministrators(trx);
			const plan = await planImport(trx, text, actor.id);
			if (plan.errors.length) {
				throw new ValidationError(
					`The file has ${plan.errors.length} invalid ${plan.errors.length === 1 ? 'value' : 'values'}; nothing was imported. Preview it to see them.`
				);
			}
			const ids = new Map<string, number>();
			// One entry per person created, changed or deactivated, as when an administrator does it
			// by hand, written after the changes with the file's summary (see recordAudit).
			const personEntries: AuditEntry[] = [];
			for (const r of plan.resolved) {
				if (r.action === 'create') {
					const person = await insertPerson(trx, {
						email: r.email,
						name: r.name,
						title: r.title,
						departmentId: r.departmentId,
						managerId: null,
						avatarUrl: null,
						bio: '',
						status: r.status
					});
					ids.set(r.email, person.id);
				} else {
					ids.set(r.email, r.current!.id);
				}
			}
			const managers = await getPeopleByEmails(trx, [
				...new Set(plan.resolved.map((r) => r.managerEmail).filter((e): e is string => !!e))
			]);
			for (const m of managers) ids.set(m.email, m.id);
			for (const r of plan.resolved) {
				const managerId = r.managerEmail
					? ids.get(r.managerEmail)!
					: (r.current?.managerId ?? null);
				if (r.action === 'create') {
					const id = ids.get(r.email)!;
					if (managerId !== null) await updatePersonRow(trx, id, { managerId });
					personEntries.push({
						action: 'person.create',
						objectType: 'user',
						objectId: id,
						details: { email: r.email, departmentId: r.departmentId, managerId, via: 'import' }
					});
				}
				if (r.action === 'update') {
					const becameInactive = r.status === 'deactivated' && r.current!.status !== 'deactivated';
					const after = await updatePersonRow(trx, r.current!.id, {
						name: r.name,
						title: r.title,
						departmentId: r.departmentId,
						managerId,
						status: r.status,
						deactivatedAt:
							r.status === 'deactivated' ? (becameInactive ? new Date() : undefined) : null
					});
					const changes = personChanges(r.current!, after);
					if (becameInactive) {
						const sessionsEnded = await deleteUserSessions(trx, r.current!.id);
						deactivated.push(r.current!.id);
						personEntries.push({
							action: 'person.deactivate',
							objectType: 'user',
							objectId: r.current!.id,
							details: { changes, sessionsEnded, via: 'import' }
						});
					} else {
						if (r.current!.departmentId !== r.departmentId) moved.push(r.current!.id);
						personEntries.push({
							action: 'person.update',
							objectType: 'user',
							objectId: r.current!.id,
							details: { changes, via: 'import' }
						});
					}
				}
			}
			await enqueueSearchIndex(
				trx,
				[...new Set(ids.values())].map((id) => ({ kind: 'person' as const, id }))
			);
			// New people and people who moved receive the memos their department's audience gets.
			await deliverMemosToJoiners(
				trx,
				plan.resolved
					.filter((r) => r.action === 'create' || r.current!.departmentId !== r.departmentId)
					.map((r) => ids.get(r.email)!)
			);
			notified = await deleteNotificationsNowHidden(trx, moved);
			for (const entry of personEntries) await recordAudit(trx, ctx, entry);
			await recordAudit(trx, ctx, {
				action: 'people.import',
				objectType: 'import',
				details: { ...plan.counts, deactivated: deactivated.length }
			});
			return plan.counts;
		});
	for (const id of deactivated) disconnectUser(id);
	await refreshRoomsAfterAccessChange(moved);
	await publishUnreadCounts(db(), notified);
	return counts;
}
