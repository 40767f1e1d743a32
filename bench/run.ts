/**
 * `npm run bench`: runs every benchmark scenario (or those named with --scenario), prints one
 * table per scenario and writes bench/results/<scenario>.json and bench/results/latest.json.
 * See bench/README.md. Plain Node (type stripping): erasable TypeScript, `.ts` in imports.
 */
import path from 'node:path';
import { ensureBuild, ROOT } from './lib/app.ts';
import { createContext, type ManagedContext } from './lib/context.ts';
import { parseRunOptions, USAGE, type RunOptions } from './lib/options.ts';
import {
	formatTable,
	gitState,
	machineInfo,
	withRatios,
	writeLatest,
	writeScenarioResult,
	type RunHeader,
	type ScenarioResult
} from './lib/report.ts';
import type { Row, Scenario } from './lib/types.ts';

/**
 * Every scenario, in the order `npm run bench` runs them. Adding one: a file in scenarios/
 * whose default export is a Scenario, and one line here.
 */
const SCENARIOS: Record<string, () => Promise<{ default: Scenario }>> = {
	'ssr-home': () => import('./scenarios/ssr-home.ts'),
	'sign-in': () => import('./scenarios/sign-in.ts'),
	'feed-home': () => import('./scenarios/feed-home.ts'),
	'thread-fanout': () => import('./scenarios/thread-fanout.ts'),
	search: () => import('./scenarios/search.ts'),
	day: () => import('./scenarios/day.ts')
};

const RESULTS_DIR = path.join(ROOT, 'bench', 'results');

async function loadScenarios(names: string[]): Promise<Scenario[]> {
	const unknown = names.filter((name) => !(name in SCENARIOS));
	if (unknown.length) {
		throw new Error(
			`Unknown scenario ${unknown.join(', ')}. Known: ${Object.keys(SCENARIOS).join(', ')}`
		);
	}
	const selected = names.length ? [...new Set(names)] : Object.keys(SCENARIOS);
	return Promise.all(
		selected.map(async (name) => {
			const scenario = (await SCENARIOS[name]!()).default;
			if (scenario.name !== name) {
				throw new Error(`bench/scenarios/${name}.ts exports the scenario "${scenario.name}"`);
			}
			return scenario;
		})
	);
}

let active: ManagedContext | undefined;
/** Set by Ctrl+C: stops the app and exits; the run then writes nothing. */
let exiting: Promise<never> | undefined;

async function runScenario(scenario: Scenario, options: RunOptions): Promise<ScenarioResult> {
	const startedAt = new Date();
	const ctx = createContext(scenario.name, options);
	active = ctx;
	let rows: Row[] = [];
	let error: string | undefined;
	try {
		rows = await scenario.run(ctx);
	} catch (e) {
		error = e instanceof Error ? e.message : String(e);
	}
	// After Ctrl+C the scenario fails for want of its app: wait for the exit instead.
	if (exiting) await exiting;
	await ctx.stopApps();
	active = undefined;
	return {
		name: scenario.name,
		description: scenario.description,
		startedAt: startedAt.toISOString(),
		elapsedSeconds: Math.round((Date.now() - startedAt.getTime()) / 100) / 10,
		rows: withRatios(rows),
		...(error === undefined ? {} : { error })
	};
}

/** Ctrl+C or SIGTERM: stop the app (and its database), remove its data, exit; write nothing. */
function stopOnSignals(): void {
	const onSignal = (signal: NodeJS.Signals) => {
		if (exiting) return;
		console.error(`\n${signal}: stopping the app…`);
		exiting = (active?.stopApps() ?? Promise.resolve()).then(
			() => process.exit(130),
			() => process.exit(130)
		);
	};
	process.on('SIGINT', onSignal);
	process.on('SIGTERM', onSignal);
}

async function main(): Promise<number> {
	const options = parseRunOptions(process.argv.slice(2));
	if (options.help) {
		console.log(USAGE);
		return 0;
	}
	const scenarios = await loadScenarios(options.scenarios);
	if (options.list) {
		for (const s of scenarios) console.log(`${s.name.padEnd(12)} ${s.description}`);
		return 0;
	}

	stopOnSignals();
	ensureBuild((message) => console.error(message), options.build);
	const header: RunHeader = {
		timestamp: new Date().toISOString(),
		machine: machineInfo(),
		git: gitState(ROOT),
		options: {
			duration: options.duration,
			connections: options.connections,
			warmup: options.warmup,
			instances: options.instances,
			steps: options.steps
		}
	};
	const m = header.machine;
	console.log(
		`Commons benchmarks, ${header.timestamp}: ${m.cpus} × ${m.cpuModel}, ` +
			`${(m.totalMemoryBytes / 2 ** 30).toFixed(1)} GiB, Node ${m.nodeVersion}, ` +
			`load ${m.loadAverage.join(' ')}; ${options.duration} s at ${options.connections} ` +
			`connections after ${options.warmup} s of warm-up per target`
	);

	const results: ScenarioResult[] = [];
	for (const scenario of scenarios) {
		const result = await runScenario(scenario, options);
		results.push(result);
		writeScenarioResult(RESULTS_DIR, header, result);
		console.log(`\n${formatTable(result)}`);
	}
	const latest = writeLatest(RESULTS_DIR, header, results);
	console.log(`\nRatios compare rows of one run; raw numbers from different runs do not compare.`);
	console.log(`JSON: ${path.relative(process.cwd(), latest)} and one file per scenario beside it.`);
	return results.some((r) => r.error !== undefined) ? 1 : 0;
}

main().then(
	(code) => process.exit(code),
	(error: unknown) => {
		console.error(error instanceof Error ? error.message : error);
		process.exit(1);
	}
);
