import { endSessionsOf } from '$lib/server/auth/session.service';
import { requestContext } from '$lib/server/context';
import { failForm } from '$lib/server/http';
import { listDepartmentsForAdministration } from '$lib/server/org/departments.service';
import {
	deactivatePerson,
	getPersonForAdministration,
	reactivatePerson,
	setRoles,
	updatePerson
} from '$lib/server/org/people.service';
import { formToObject, parseInput } from '$lib/server/validation';
import { personInputSchema, rolesInputSchema } from '$lib/shared/schemas/org';
import { orErrorPage } from '../../page-error.server';

export async function load(event) {
	const ctx = requestContext(event);
	const { person, roles } = await orErrorPage(
		getPersonForAdministration(ctx, Number(event.params.id))
	);
	const departments = await orErrorPage(listDepartmentsForAdministration(ctx));
	return { person, roles, departments };
}

export const actions = {
	update: async (event) => {
		const values = formToObject(await event.request.formData());
		try {
			const person = await updatePerson(
				requestContext(event),
				Number(event.params.id),
				parseInput(personInputSchema, values)
			);
			return { form: 'update', message: `${person.name}’s details are saved.` };
		} catch (error) {
			return failForm(error, { ...values, form: 'update' });
		}
	},
	roles: async (event) => {
		const values = formToObject(await event.request.formData(), ['roles', 'managerOf']);
		try {
			await setRoles(
				requestContext(event),
				Number(event.params.id),
				parseInput(rolesInputSchema, values)
			);
			return { form: 'roles', message: 'The roles are saved.' };
		} catch (error) {
			return failForm(error, { ...values, form: 'roles' });
		}
	},
	deactivate: async (event) => {
		try {
			const person = await deactivatePerson(requestContext(event), Number(event.params.id));
			return {
				form: 'status',
				message: `${person.name} is deactivated: signed out everywhere, and unable to sign in until reactivated.`
			};
		} catch (error) {
			return failForm(error, { form: 'status' });
		}
	},
	reactivate: async (event) => {
		try {
			const person = await reactivatePerson(requestContext(event), Number(event.params.id));
			return { form: 'status', message: `${person.name} is active again and can sign in.` };
		} catch (error) {
			return failForm(error, { form: 'status' });
		}
	},
	endSessions: async (event) => {
		try {
			const ended = await endSessionsOf(requestContext(event), Number(event.params.id));
			return {
				form: 'sessions',
				message:
					ended === 0
						? 'There were no sessions to end; any open pages are disconnected.'
						: `Ended ${ended === 1 ? '1 session' : `${ended} sessions`}. They must sign in again.`
			};
		} catch (error) {
			return failForm(error, { form: 'sessions' });
		}
	}
};
