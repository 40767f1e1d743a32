import { redirect } from '@sveltejs/kit';
import { safeReturnPath } from '$lib/server/auth/guard';
import { setSessionCookie } from '$lib/server/auth/cookie';
import { signInWithPassword } from '$lib/server/auth/sign-in.service';
import { config } from '$lib/server/config';
import { requestContext } from '$lib/server/context';
import { TooManyRequestsError } from '$lib/server/errors';
import { failForm } from '$lib/server/http';
import { formToObject, parseInput } from '$lib/server/validation';
import { signInSchema } from '$lib/shared/schemas/auth';

export function load({ locals, url }) {
	const next = safeReturnPath(url.searchParams.get('next'));
	if (locals.actor) redirect(303, next);
	const sso = config().oidc;
	return {
		next,
		sso: sso ? { label: sso.buttonLabel } : null,
		ssoError: url.searchParams.get('sso_error')
	};
}

export const actions = {
	default: async (event) => {
		const values = formToObject(await event.request.formData());
		const cfg = config();
		try {
			const input = parseInput(signInSchema, values);
			const { token, expiresAt } = await signInWithPassword(
				requestContext(event),
				input,
				cfg.session
			);
			setSessionCookie(event.cookies, token, expiresAt, cfg.production);
			redirect(303, safeReturnPath(input.next));
		} catch (error) {
			if (error instanceof TooManyRequestsError) {
				event.setHeaders({ 'retry-after': String(error.retryAfterSeconds) });
			}
			return failForm(error, values);
		}
	}
};
