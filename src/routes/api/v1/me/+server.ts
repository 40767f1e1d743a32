import { json } from '@sveltejs/kit';
import { requestContext } from '$lib/server/context';
import { getMyAccount } from '$lib/server/org/profile.service';
import { apiErrorFrom } from '$lib/server/http';

/** The person the request is made as (session cookie or personal access token). */
export async function GET(event) {
	try {
		const { person } = await getMyAccount(requestContext(event));
		const actor = event.locals.actor!;
		return json({
			id: person.id,
			email: person.email,
			name: person.name,
			title: person.title,
			bio: person.bio,
			department: {
				id: person.departmentId,
				slug: person.departmentSlug,
				name: person.departmentName
			},
			manager: person.managerId ? { id: person.managerId, name: person.managerName } : null,
			roles: {
				admin: actor.isAdmin,
				communications: actor.isCommunications,
				managerOf: actor.managerOf
			}
		});
	} catch (error) {
		return apiErrorFrom(error);
	}
}
