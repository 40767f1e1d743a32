import { requestContext } from '$lib/server/context';
import {
	listMyPagesDueForReview,
	listRecentlyUpdated,
	listSpaces
} from '$lib/server/knowledge/page-view.service';

export async function load(event) {
	const ctx = requestContext(event);
	const [spaces, due, recent] = await Promise.all([
		listSpaces(ctx),
		listMyPagesDueForReview(ctx),
		listRecentlyUpdated(ctx)
	]);
	return { spaces, due, recent };
}
