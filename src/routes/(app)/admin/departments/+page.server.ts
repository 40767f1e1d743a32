import { requestContext } from '$lib/server/context';
import { failForm } from '$lib/server/http';
import {
	createDepartment,
	listDepartmentsForAdministration
} from '$lib/server/org/departments.service';
import { formToObject, parseInput } from '$lib/server/validation';
import { departmentInputSchema } from '$lib/shared/schemas/org';
import { orErrorPage } from '../page-error.server';

export async function load(event) {
	return {
		departments: await orErrorPage(listDepartmentsForAdministration(requestContext(event)))
	};
}

export const actions = {
	create: async (event) => {
		const values = formToObject(await event.request.formData());
		try {
			const department = await createDepartment(
				requestContext(event),
				parseInput(departmentInputSchema, values)
			);
			return {
				form: 'create',
				message: `${department.name} is created.`,
				created: { id: department.id, name: department.name }
			};
		} catch (error) {
			return failForm(error, { ...values, form: 'create' });
		}
	}
};
