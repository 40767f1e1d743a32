/**
 * Reading the audit trail: the administration page (filtered, newest first, keyset-paginated on
 * id) and the CSV export. Administrators only; refusals are themselves audited.
 */
import { z } from 'zod';
import type { RequestContext } from '../context.ts';
import { db } from '../db/index.ts';
import { ForbiddenError, UnauthorizedError, ValidationError } from '../errors.ts';
import { canReadAuditTrail } from '../org/person.policy.ts';
import { getPeopleByEmails } from '../org/person.repository.ts';
import { parseInput } from '../validation.ts';
import { listAuditActions, listAuditEvents, type AuditFilter } from './audit.repository.ts';
import { recordDenied, recordStandalone } from './audit.service.ts';
import type { ChainedAuditRow } from './chain.ts';

export const AUDIT_PAGE_SIZE = 50;
const EXPORT_BATCH_SIZE = 500;

const optionalText = (max: number, message: string) =>
	z
		.string()
		.trim()
		.max(max, message)
		.optional()
		.transform((v) => v || undefined);

/** A YYYY-MM-DD that names a real day (not 2026-02-31). */
function isCalendarDate(value: string): boolean {
	if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
	const date = new Date(`${value}T00:00:00Z`);
	return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

const utcDate = z
	.string()
	.trim()
	.optional()
	.refine((v) => !v || isCalendarDate(v), { message: 'Enter a real date, as YYYY-MM-DD.' })
	.transform((v) => (v ? new Date(`${v}T00:00:00Z`) : undefined));

/** The trail's filters as they arrive in a query string; every one is optional. */
const auditTrailFilterSchema = z
	.object({
		action: optionalText(100, 'Actions are at most 100 characters.'),
		/** A person's id, or their email address. */
		actor: optionalText(254, 'Enter an id or an email address of at most 254 characters.'),
		outcome: z
			.union([z.literal(''), z.enum(['success', 'failure', 'denied'])], {
				error: 'Choose success, failure or denied.'
			})
			.optional()
			.transform((v) => v || undefined),
		objectType: optionalText(100, 'Object types are at most 100 characters.'),
		objectId: optionalText(200, 'Object ids are at most 200 characters.'),
		/** First UTC day to include. */
		from: utcDate,
		/** Last UTC day to include. */
		to: utcDate
	})
	.refine((f) => !f.from || !f.to || f.from <= f.to, {
		message: 'The end date is before the start date.',
		path: ['to']
	});
export type AuditTrailFilter = z.infer<typeof auditTrailFilterSchema>;
export const AUDIT_FILTER_KEYS = [
	'action',
	'actor',
	'outcome',
	'objectType',
	'objectId',
	'from',
	'to'
] as const;
/** The filters as typed in the query string (empty means "any"). */
export type AuditTrailQuery = Partial<Record<(typeof AUDIT_FILTER_KEYS)[number], string>>;

async function requireAuditReader(ctx: RequestContext, action: string) {
	if (!ctx.actor) throw new UnauthorizedError('Sign in first.');
	if (!canReadAuditTrail(ctx.actor)) {
		await recordDenied(ctx, action, 'audit', 'trail');
		throw new ForbiddenError('Only administrators can read the audit trail.');
	}
	return ctx.actor;
}

/**
 * The repository's filter from the query as typed: validated (after the policy check, so a
 * refusal never depends on the input), the actor named by id or email, the end day included.
 */
async function toRepositoryFilter(
	query: AuditTrailQuery
): Promise<{ filter: AuditTrailFilter; repositoryFilter: AuditFilter }> {
	const filter = parseInput(auditTrailFilterSchema, query);
	const result: AuditFilter = {
		action: filter.action,
		outcome: filter.outcome,
		objectType: filter.objectType,
		objectId: filter.objectId,
		from: filter.from,
		to: filter.to ? new Date(filter.to.getTime() + 24 * 60 * 60 * 1000) : undefined
	};
	if (filter.actor) {
		if (/^\d{1,15}$/.test(filter.actor)) {
			result.actorId = Number(filter.actor);
		} else if (filter.actor.includes('@')) {
			const [person] = await getPeopleByEmails(db(), [filter.actor.toLowerCase()]);
			if (!person) {
				throw new ValidationError(`No one in the directory has the email ${filter.actor}.`, {
					actor: 'Enter the id or the email address of someone in the directory.'
				});
			}
			result.actorId = person.id;
		} else {
			throw new ValidationError('Name the actor by their id or their email address.', {
				actor: 'Enter a number (the person’s id) or an email address.'
			});
		}
	}
	return { filter, repositoryFilter: result };
}

/**
 * One page of the trail, newest first: the events before event `beforeId` (keyset on id, which
 * follows the chain's commit order) that match the filters, and the distinct action names for
 * the filter menu. Administrators only; throws ForbiddenError (audited), or ValidationError
 * (with `fields`) for a filter that cannot be applied.
 */
export async function listAuditTrail(
	ctx: RequestContext,
	query: AuditTrailQuery,
	beforeId?: number | null
): Promise<{ events: ChainedAuditRow[]; nextBeforeId: number | null; actions: string[] }> {
	await requireAuditReader(ctx, 'audit.read');
	const { repositoryFilter } = await toRepositoryFilter(query);
	const rows = await listAuditEvents(db(), repositoryFilter, {
		beforeId: beforeId ?? undefined,
		limit: AUDIT_PAGE_SIZE + 1
	});
	const events = rows.slice(0, AUDIT_PAGE_SIZE);
	return {
		events,
		nextBeforeId: rows.length > AUDIT_PAGE_SIZE ? (events.at(-1)?.id ?? null) : null,
		actions: await listAuditActions(db())
	};
}

/** The distinct action names recorded so far. Administrators only (ForbiddenError, audited). */
export async function listAuditActionNames(ctx: RequestContext): Promise<string[]> {
	await requireAuditReader(ctx, 'audit.read');
	return listAuditActions(db());
}

/**
 * Every event matching the filter, newest first, read in keyset batches as the caller consumes
 * them (so an export of the whole trail never holds it in memory). The policy is checked and the
 * export itself recorded before the first row is read. Administrators only; throws
 * ForbiddenError (audited) or ValidationError.
 */
export async function exportAuditTrail(
	ctx: RequestContext,
	query: AuditTrailQuery
): Promise<AsyncIterable<ChainedAuditRow>> {
	await requireAuditReader(ctx, 'audit.export');
	const { filter, repositoryFilter } = await toRepositoryFilter(query);
	await recordStandalone(ctx, {
		action: 'audit.export',
		objectType: 'audit',
		objectId: 'trail',
		details: {
			filter: Object.fromEntries(
				Object.entries(filter)
					.filter(([, v]) => v !== undefined)
					.map(([k, v]) => [k, v instanceof Date ? v.toISOString().slice(0, 10) : v])
			)
		}
	});
	return (async function* () {
		let beforeId: number | undefined;
		for (;;) {
			const batch = await listAuditEvents(db(), repositoryFilter, {
				beforeId,
				limit: EXPORT_BATCH_SIZE
			});
			yield* batch;
			if (batch.length < EXPORT_BATCH_SIZE) return;
			beforeId = batch.at(-1)!.id;
		}
	})();
}
