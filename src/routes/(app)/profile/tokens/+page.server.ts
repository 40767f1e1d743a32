import {
	createAccessToken,
	listMyAccessTokens,
	revokeMyAccessToken
} from '$lib/server/auth/access-token.service';
import { requestContext } from '$lib/server/context';
import { failForm } from '$lib/server/http';
import { formToObject, parseInput } from '$lib/server/validation';
import { accessTokenInputSchema } from '$lib/shared/schemas/profile';
import { z } from 'zod';

export async function load(event) {
	return { tokens: await listMyAccessTokens(requestContext(event)) };
}

export const actions = {
	create: async (event) => {
		const values = formToObject(await event.request.formData());
		try {
			const input = parseInput(accessTokenInputSchema, values);
			const days = input.expiresInDays === 'never' ? null : Number(input.expiresInDays);
			const token = await createAccessToken(requestContext(event), {
				name: input.name,
				expiresAt: days === null ? null : new Date(Date.now() + days * 86_400_000)
			});
			return { created: { name: token.name, secret: token.secret } };
		} catch (error) {
			return failForm(error, values);
		}
	},
	revoke: async (event) => {
		const values = formToObject(await event.request.formData());
		try {
			const { id } = parseInput(z.object({ id: z.coerce.number().int().positive() }), values);
			await revokeMyAccessToken(requestContext(event), id);
			return { message: 'The token is revoked. Anything using it can no longer reach the API.' };
		} catch (error) {
			return failForm(error, {});
		}
	}
};
