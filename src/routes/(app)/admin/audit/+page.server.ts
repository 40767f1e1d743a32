import { requestContext } from '$lib/server/context';
import {
	AUDIT_FILTER_KEYS,
	listAuditActionNames,
	listAuditTrail
} from '$lib/server/audit/audit-trail.service';
import { ValidationError } from '$lib/server/errors';
import { orErrorPage, throwErrorPage } from '../page-error.server';

export async function load(event) {
	const params = event.url.searchParams;
	const values = Object.fromEntries(AUDIT_FILTER_KEYS.map((k) => [k, params.get(k) ?? '']));
	const before = params.get('before');
	const beforeId = before && /^[1-9]\d{0,15}$/.test(before) ? Number(before) : null;
	const ctx = requestContext(event);
	try {
		const trail = await listAuditTrail(ctx, values, beforeId);
		return { ...trail, values, beforeId, message: null, fields: {} as Record<string, string> };
	} catch (e) {
		if (!(e instanceof ValidationError)) throwErrorPage(e);
		// A filter that cannot be applied shows no events, never the unfiltered trail.
		return {
			events: [],
			nextBeforeId: null,
			actions: await orErrorPage(listAuditActionNames(ctx)),
			values,
			beforeId,
			message: e.message,
			fields: e.fields
		};
	}
}
