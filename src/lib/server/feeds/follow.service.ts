/**
 * Following departments and people. Following changes what the home feed shows and which feed
 * rooms the person's open sockets are in, at once.
 */
import type { RequestContext } from '../context.ts';
import { db } from '../db/index.ts';
import { NotFoundError, ValidationError } from '../errors.ts';
import { getDepartment } from '../org/department.repository.ts';
import { getPerson } from '../org/person.repository.ts';
import { departmentFeedRoom, personFeedRoom, setFeedRoomMembership } from './feed-events.ts';
import {
	deleteDepartmentFollow,
	deletePersonFollow,
	insertDepartmentFollow,
	insertPersonFollow,
	listFollowedDepartmentIds,
	listFollowedPersonIds
} from './follow.repository.ts';
import { hiddenDepartmentsOf, requireActor } from './post.service.ts';

/** Follows or unfollows a department the actor may see. Idempotent. Throws NotFoundError. */
export async function setDepartmentFollow(
	ctx: RequestContext,
	departmentId: number,
	follow: boolean
): Promise<void> {
	const actor = requireActor(ctx);
	const department = await getDepartment(db(), departmentId);
	if (!department || (await hiddenDepartmentsOf(actor)).includes(departmentId))
		throw new NotFoundError('That department does not exist.');
	if (follow) await insertDepartmentFollow(db(), actor.id, departmentId);
	else await deleteDepartmentFollow(db(), actor.id, departmentId);
	// Their own department stays in their feed whether they follow it or not.
	if (follow || departmentId !== actor.departmentId)
		setFeedRoomMembership(actor.id, departmentFeedRoom(departmentId), follow);
}

/** Follows or unfollows a colleague (not oneself). Idempotent. Throws NotFoundError, ValidationError. */
export async function setPersonFollow(
	ctx: RequestContext,
	personId: number,
	follow: boolean
): Promise<void> {
	const actor = requireActor(ctx);
	if (personId === actor.id) throw new ValidationError('You cannot follow yourself.');
	const person = await getPerson(db(), personId);
	if (
		!person ||
		person.status !== 'active' ||
		(await hiddenDepartmentsOf(actor)).includes(person.departmentId)
	)
		throw new NotFoundError('That person does not exist.');
	if (follow) await insertPersonFollow(db(), actor.id, personId);
	else await deletePersonFollow(db(), actor.id, personId);
	setFeedRoomMembership(actor.id, personFeedRoom(personId), follow);
}

/** What the actor follows: department and person ids. */
export async function getFollows(ctx: RequestContext) {
	const actor = requireActor(ctx);
	const [departmentIds, personIds] = await Promise.all([
		listFollowedDepartmentIds(db(), actor.id),
		listFollowedPersonIds(db(), actor.id)
	]);
	return { departmentIds, personIds };
}
