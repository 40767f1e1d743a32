/**
 * Server-side rendering of the home page next to the floor: /baseline is a SvelteKit page of
 * fixed HTML with no data loading, so the ratio isolates what the home page itself costs
 * (its loads, queries and components) from what every SvelteKit response costs.
 */
import { signInCookie } from '../lib/session.ts';
import type { Scenario } from '../lib/types.ts';

const scenario: Scenario = {
	name: 'ssr-home',
	description: 'server-side rendering of the home page /feed next to the bare /baseline page',
	async run(ctx) {
		const app = await ctx.startApp();
		// The home page needs a session: measure it as a signed-in member of staff.
		const cookie = await signInCookie(app, 'hannah.fischer@commons.test');
		const baseline = await ctx.measure(app, {
			name: 'baseline',
			path: '/baseline',
			baseline: true
		});
		const home = await ctx.measure(app, { name: 'home', path: '/feed', headers: { cookie } });
		return [baseline, home];
	}
};

export default scenario;
