/**
 * A page's governance: its owner, review-by date, named editors and verification, and what its
 * settings form needs (the named editors and the people to choose from). Kept apart from the
 * page view, which every reader loads.
 */
import { recordAudit } from '../audit/audit.service.ts';
import type { RequestContext } from '../context.ts';
import { db } from '../db/index.ts';
import { ForbiddenError, ValidationError } from '../errors.ts';
import { requireActor } from '../feeds/post.service.ts';
import { getActorRow } from '../org/actor.repository.ts';
import type { PersonRef } from '../../shared/knowledge.ts';
import type { PageGovernanceInput } from '../../shared/schemas/knowledge.ts';
import { canGovernPage } from './page.policy.ts';
import {
	listEditorIds,
	listPeopleNames,
	listSpacePeople,
	replaceEditors
} from './page-editor.repository.ts';
import { updatePageGovernance } from './page.repository.ts';
import { getVisiblePage, lockGoverned } from './page.service.ts';

/** More would make a select no one can use; the rest are still accepted by id. */
const PEOPLE_LIMIT = 1000;

/**
 * A page's named editors and the people of its space (the department's members, or everyone for
 * the organisation's space; the current owner and editors always included), by name. For the
 * people who govern the page; ForbiddenError for others, NotFoundError when hidden or missing.
 */
export async function getPageGovernance(
	ctx: RequestContext,
	pageId: number
): Promise<{ editors: PersonRef[]; people: PersonRef[] }> {
	const actor = requireActor(ctx);
	const page = await getVisiblePage(ctx, pageId);
	if (!canGovernPage(actor, page))
		throw new ForbiddenError(
			'Only the page’s owner, its department’s managers and administrators change its settings.'
		);
	const [editorIds, people] = await Promise.all([
		listEditorIds(db(), pageId),
		listSpacePeople(db(), page.departmentId, PEOPLE_LIMIT)
	]);
	const known = new Set(people.map((p) => p.id));
	const missing = [page.ownerId, ...editorIds].filter((id) => !known.has(id));
	const names = await listPeopleNames(db(), [...editorIds, ...missing]);
	const extra = [...new Set(missing)].map((id) => ({ id, name: names.get(id) ?? 'Unknown' }));
	return {
		editors: editorIds
			.map((id) => ({ id, name: names.get(id) ?? 'Unknown' }))
			.sort((a, b) => a.name.localeCompare(b.name)),
		people: [...people, ...extra].sort((a, b) => a.name.localeCompare(b.name) || a.id - b.id)
	};
}

/**
 * Sets a page's owner, review date and (optionally) the only people who may edit it. The owner
 * must be able to see the page. Owners, managers of the space and administrators may.
 */
export async function setPageGovernance(
	ctx: RequestContext,
	pageId: number,
	input: PageGovernanceInput
): Promise<void> {
	const actor = requireActor(ctx);
	await db()
		.transaction()
		.execute(async (trx) => {
			const page = await lockGoverned(trx, ctx, actor, pageId, 'page.govern', 'change this');
			const owner = await getActorRow(trx, input.ownerId);
			const ownerHidden = owner?.hiddenDepartmentIds.map(Number).includes(page.departmentId ?? -1);
			if (!owner || ownerHidden)
				throw new ValidationError('Choose an owner who can see this page.', {
					ownerId: 'Choose an owner who can see this page.'
				});
			const editorIds = input.editRestricted ? input.editorIds : [];
			// Checked here rather than left to the foreign key, which would fail as a server error.
			if ((await listPeopleNames(trx, editorIds)).size < new Set(editorIds).size)
				throw new ValidationError('Choose editors from the people directory.', {
					editorIds: 'Choose editors from the people directory.'
				});
			await updatePageGovernance(trx, pageId, {
				ownerId: input.ownerId,
				reviewBy: input.reviewBy,
				editRestricted: input.editRestricted
			});
			await replaceEditors(trx, pageId, editorIds);
			await recordAudit(trx, ctx, {
				action: 'page.govern',
				objectType: 'page',
				objectId: pageId,
				details: {
					ownerId: input.ownerId,
					reviewBy: input.reviewBy,
					editRestricted: input.editRestricted,
					editorIds
				}
			});
		});
}

/** Marks a page verified until a date (null clears it). Same people as governance. */
export async function verifyPage(
	ctx: RequestContext,
	pageId: number,
	verifiedUntil: string | null,
	today: string = new Date().toISOString().slice(0, 10)
): Promise<void> {
	const actor = requireActor(ctx);
	if (verifiedUntil !== null && verifiedUntil < today)
		throw new ValidationError('Choose a date from today on.', {
			verifiedUntil: 'Choose a date from today on.'
		});
	await db()
		.transaction()
		.execute(async (trx) => {
			const page = await lockGoverned(trx, ctx, actor, pageId, 'page.verify', 'verify it');
			// Verifying is reviewing: a review date before the verification ends moves to its end,
			// so that a page never says "verified" and "due for review, may be out of date" at once.
			const reviewBy =
				verifiedUntil && page.reviewBy !== null && page.reviewBy < verifiedUntil
					? verifiedUntil
					: page.reviewBy;
			await updatePageGovernance(trx, pageId, {
				verifiedUntil,
				verifiedBy: verifiedUntil ? actor.id : null,
				reviewBy
			});
			await recordAudit(trx, ctx, {
				action: verifiedUntil ? 'page.verify' : 'page.unverify',
				objectType: 'page',
				objectId: pageId,
				details: {
					verifiedUntil,
					revision: page.revision,
					...(reviewBy !== page.reviewBy ? { reviewBy } : {})
				}
			});
		});
}
