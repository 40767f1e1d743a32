import { requestContext } from '$lib/server/context';
import { getAdministrationOverview } from '$lib/server/org/people.service';
import { orErrorPage } from './page-error.server';

export async function load(event) {
	return { overview: await orErrorPage(getAdministrationOverview(requestContext(event))) };
}
