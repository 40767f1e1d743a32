import { requestContext } from '$lib/server/context';
import { failForm } from '$lib/server/http';
import { changeMyPassword, getMyAccount, updateMyProfile } from '$lib/server/org/profile.service';
import { formToObject, parseInput } from '$lib/server/validation';
import { passwordChangeSchema, profileInputSchema } from '$lib/shared/schemas/profile';

export async function load(event) {
	return getMyAccount(requestContext(event));
}

export const actions = {
	profile: async (event) => {
		const values = formToObject(await event.request.formData());
		try {
			await updateMyProfile(requestContext(event), parseInput(profileInputSchema, values));
			return { form: 'profile', message: 'Your profile is saved.' };
		} catch (error) {
			return failForm(error, { ...values, form: 'profile' });
		}
	},
	password: async (event) => {
		const values = formToObject(await event.request.formData());
		try {
			const input = parseInput(passwordChangeSchema, values);
			await changeMyPassword(requestContext(event), event.locals.sessionId, input);
			return {
				form: 'password',
				message: 'Your password is changed. Your other sessions were signed out.'
			};
		} catch (error) {
			return failForm(error, { form: 'password' });
		}
	}
};
