import { requestContext } from '$lib/server/context';
import { failForm } from '$lib/server/http';
import { listDepartmentsForAdministration } from '$lib/server/org/departments.service';
import { createPerson, listPeopleForAdministration } from '$lib/server/org/people.service';
import { formToObject, parseInput } from '$lib/server/validation';
import { personInputSchema } from '$lib/shared/schemas/org';
import { orErrorPage } from '../page-error.server';

export async function load(event) {
	const params = event.url.searchParams;
	const query = params.get('q')?.slice(0, 200) ?? '';
	const statusParam = params.get('status');
	const status = statusParam === 'active' || statusParam === 'deactivated' ? statusParam : '';
	const ctx = requestContext(event);
	const page = await orErrorPage(
		listPeopleForAdministration(ctx, {
			query,
			status: status || undefined,
			cursor: params.get('after')
		})
	);
	const departments = await orErrorPage(listDepartmentsForAdministration(ctx));
	return { ...page, departments, query, status, paged: params.has('after') };
}

export const actions = {
	create: async (event) => {
		const values = formToObject(await event.request.formData());
		try {
			const person = await createPerson(
				requestContext(event),
				parseInput(personInputSchema, values)
			);
			return {
				form: 'create',
				message: `${person.name} is added. They can sign in with single sign-on, or once they have a password.`,
				created: { id: person.id, name: person.name }
			};
		} catch (error) {
			return failForm(error, { ...values, form: 'create' });
		}
	}
};
