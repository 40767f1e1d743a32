/** Command-line flags of `npm run bench -- [flags]`. */
import { parseArgs } from 'node:util';
import type { LoadOptions } from './types.ts';

export const DEFAULTS: LoadOptions = {
	duration: 10,
	connections: 25,
	warmup: 2,
	instances: 1,
	steps: null
};

export type RunOptions = LoadOptions & {
	/** Scenario names to run; empty means all of them. */
	scenarios: string[];
	build: boolean;
	list: boolean;
	help: boolean;
};

export const USAGE = `Usage: npm run bench -- [flags]

  --scenario <name>     run only this scenario (repeatable, or comma-separated); default: all
  --duration <s>        measured seconds per target (whole seconds, default ${DEFAULTS.duration})
  --connections <n>     concurrent connections (default ${DEFAULTS.connections})
  --warmup <s>          unmeasured seconds per target before measuring (default ${DEFAULTS.warmup}, 0 skips)
  --instances <n>       app instances behind a local proxy, for \`day\` (default 1; 2 also runs 1 for the gain)
  --steps <a,b,…>       load steps for \`day\`: active people per step (default 10,100,250,500,750,1000,1500,2000,3000)
  --build               run \`vite build\` first even if build/ exists
  --list                list the scenarios and exit
  --help                show this help`;

function wholeNumber(
	flag: string,
	value: string | undefined,
	fallback: number,
	min: number
): number {
	if (value === undefined) return fallback;
	const n = Number(value);
	if (!Number.isInteger(n) || n < min) {
		throw new Error(
			`--${flag} must be a whole number of at least ${min} (got ${JSON.stringify(value)})`
		);
	}
	return n;
}

/** `10,100,250`: whole numbers of at least 1, ascending. */
function parseSteps(value: string): number[] {
	const steps = value.split(',').map((s) => Number(s.trim()));
	if (
		!steps.length ||
		steps.some((n, i) => !Number.isInteger(n) || n < 1 || (i > 0 && n <= steps[i - 1]!))
	)
		throw new Error(
			`--steps must be ascending whole numbers, e.g. 10,100,250 (got ${JSON.stringify(value)})`
		);
	return steps;
}

/** Parses argv (without node and the script); throws an Error with a one-line message. */
export function parseRunOptions(argv: string[]): RunOptions {
	const { values } = parseArgs({
		args: argv,
		strict: true,
		allowPositionals: false,
		options: {
			scenario: { type: 'string', multiple: true },
			duration: { type: 'string' },
			connections: { type: 'string' },
			warmup: { type: 'string' },
			instances: { type: 'string' },
			steps: { type: 'string' },
			build: { type: 'boolean', default: false },
			list: { type: 'boolean', default: false },
			help: { type: 'boolean', short: 'h', default: false }
		}
	});
	return {
		scenarios: (values.scenario ?? [])
			.flatMap((s) => s.split(','))
			.map((s) => s.trim())
			.filter(Boolean),
		duration: wholeNumber('duration', values.duration, DEFAULTS.duration, 1),
		connections: wholeNumber('connections', values.connections, DEFAULTS.connections, 1),
		warmup: wholeNumber('warmup', values.warmup, DEFAULTS.warmup, 0),
		instances: wholeNumber('instances', values.instances, DEFAULTS.instances, 1),
		steps: values.steps === undefined ? null : parseSteps(values.steps),
		build: values.build,
		list: values.list,
		help: values.help
	};
}
