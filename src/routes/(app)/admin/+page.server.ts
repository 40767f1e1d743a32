import { requestContext } from '$lib/server/context';
import { getEmailStatus } from '$lib/server/notifications/notification.service';
import { getAdministrationOverview } from '$lib/server/org/people.service';
import { orErrorPage } from './page-error.server';

export async function load(event) {
	const overview = await orErrorPage(getAdministrationOverview(requestContext(event)));
	return { overview, email: await orErrorPage(getEmailStatus(requestContext(event))) };
}
