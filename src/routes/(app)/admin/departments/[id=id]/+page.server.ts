import { requestContext } from '$lib/server/context';
import { failForm } from '$lib/server/http';
import {
	getDepartmentForAdministration,
	updateDepartment
} from '$lib/server/org/departments.service';
import { formToObject, parseInput } from '$lib/server/validation';
import { departmentInputSchema } from '$lib/shared/schemas/org';
import { orErrorPage } from '../../page-error.server';

export async function load(event) {
	return orErrorPage(
		getDepartmentForAdministration(requestContext(event), Number(event.params.id))
	);
}

export const actions = {
	update: async (event) => {
		const values = formToObject(await event.request.formData());
		try {
			const department = await updateDepartment(
				requestContext(event),
				Number(event.params.id),
				parseInput(departmentInputSchema, values)
			);
			return { form: 'update', message: `${department.name} is saved.` };
		} catch (error) {
			return failForm(error, { ...values, form: 'update' });
		}
	}
};
