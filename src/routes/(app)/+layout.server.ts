import { error } from '@sveltejs/kit';

export function load({ locals }) {
	// The hook refuses anonymous requests before they get here; this narrows the type.
	if (!locals.actor) error(401, 'Sign in first.');
	const { id, name, email, title, isAdmin } = locals.actor;
	return { me: { id, name, email, title, isAdmin } };
}
