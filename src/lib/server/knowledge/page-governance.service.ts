/**
 * What a page's settings form needs: its named editors and the people to choose an owner or an
 * editor from. Kept apart from the page view, which every reader loads.
 */
import type { RequestContext } from '../context.ts';
import { db } from '../db/index.ts';
import { ForbiddenError } from '../errors.ts';
import { requireActor } from '../feeds/post.service.ts';
import type { PersonRef } from '../../shared/knowledge.ts';
import { canGovernPage } from './page.policy.ts';
import { listEditorIds, listPeopleNames, listSpacePeople } from './page.repository.ts';
import { getVisiblePage } from './page.service.ts';

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
