/**
 * The ScenarioContext a scenario receives: start the app, measure a target. It keeps every app
 * it started so the runner can stop them whatever happens.
 */
import { launchApp, type RunningApp, type StartAppOptions } from './app.ts';
import { runLoad } from './load.ts';
import type { LoadOptions, Row, ScenarioContext, Target } from './types.ts';

export type ManagedContext = ScenarioContext & {
	/** Stops every app this context started that is still running. */
	stopApps(): Promise<void>;
};

const log = (message: string) => console.error(message);

/** One request before the load, so a page that redirects or fails is named before its numbers. */
async function preflight(app: RunningApp, target: Target, prefix: string): Promise<void> {
	const response = await fetch(`${app.url}${target.path}`, {
		method: target.method ?? 'GET',
		headers: target.headers,
		body: target.body,
		redirect: 'manual',
		signal: AbortSignal.timeout(30_000)
	});
	await response.arrayBuffer();
	if (response.status < 200 || response.status > 299) {
		const location = response.headers.get('location');
		log(
			`${prefix}: warning: ${target.method ?? 'GET'} ${target.path} answered ${response.status}` +
				`${location ? ` (to ${location})` : ''}; every such response counts as an error`
		);
	}
}

export function createContext(scenario: string, options: LoadOptions): ManagedContext {
	const apps = new Set<RunningApp>();
	return {
		options,
		log: (message) => log(`${scenario}: ${message}`),

		async startApp(startOptions?: StartAppOptions) {
			log(`${scenario}: starting the app…`);
			const started = Date.now();
			const { app, ready } = await launchApp(startOptions);
			apps.add(app);
			await ready;
			log(
				`${scenario}: app ready at ${app.url} in ${((Date.now() - started) / 1000).toFixed(1)} s`
			);
			return app;
		},

		async measure(app: RunningApp, target: Target): Promise<Row> {
			const prefix = `${scenario}: ${target.name} ${target.path}`;
			const request = {
				url: `${app.url}${target.path}`,
				connections: target.connections ?? options.connections,
				method: target.method,
				headers: target.headers,
				body: target.body
			};
			await preflight(app, target, prefix);
			if (options.warmup > 0) {
				log(`${prefix}: warming up ${options.warmup} s`);
				await runLoad({ ...request, duration: options.warmup });
			}
			log(`${prefix}: measuring ${options.duration} s at ${request.connections} connections`);
			const measurement = await runLoad({ ...request, duration: options.duration });
			if (measurement.errors > 0) {
				const codes = Object.entries(measurement.statusCodes)
					.map(([code, count]) => `${code}: ${count}`)
					.join(', ');
				log(
					`${prefix}: warning: ${measurement.errors} errors (${measurement.socketErrors} without ` +
						`a response; status codes ${codes})`
				);
			}
			return {
				name: target.name,
				path: target.path,
				baseline: target.baseline ?? false,
				measurement
			};
		},

		async stopApps() {
			const running = [...apps];
			apps.clear();
			await Promise.all(running.map((app) => app.stop()));
		}
	};
}
