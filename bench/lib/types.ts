/**
 * The contract between the runner (bench/run.ts) and the scenarios (bench/scenarios/*.ts).
 * A scenario asks the context for a running app and for measurements; the runner owns the
 * load settings, the clean-up, the ratios, the table and the JSON files.
 */
import type { RunningApp, StartAppOptions } from './app.ts';

/** Load settings for one run, from the command line (`--duration`, `--connections`, `--warmup`). */
export type LoadOptions = {
	/** Seconds of measured load per target. */
	duration: number;
	/** Concurrent keep-alive connections autocannon holds open. */
	connections: number;
	/** Seconds of unmeasured load per target just before its measurement (0 skips it). */
	warmup: number;
	/** App instances behind a local proxy, for scenarios that scale out (`day`); default 1. */
	instances: number;
	/** Load steps for scenarios that ramp (`day`: active people per step); null: their default. */
	steps: number[] | null;
};

/** What a scenario measures: one URL of a running app, with optional request details. */
export type Target = {
	/** Short row name in the table and the JSON ("baseline", "home"). */
	name: string;
	/** Path and query on the app, e.g. "/feed". */
	path: string;
	/** The row the scenario's other rows are compared with (at most one per scenario). */
	baseline?: boolean;
	method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
	/** Extra request headers, e.g. a session cookie once a page requires signing in. */
	headers?: Record<string, string>;
	body?: string;
	/** Overrides the run's connection count for this target only. */
	connections?: number;
};

/** One measured window of load against one target. Latencies are in milliseconds. */
export type Measurement = {
	requestsPerSecond: number;
	latencyMs: { mean: number; p50: number; p95: number; p99: number; max: number };
	/** Responses received (any status). */
	responses: number;
	/** Non-2xx responses plus connection errors and timeouts. */
	errors: number;
	non2xx: number;
	/** Connection errors and timeouts (requests that got no response at all). */
	socketErrors: number;
	timeouts: number;
	statusCodes: Record<string, number>;
	bytesPerSecond: number;
	/** Measured seconds as autocannon timed them. */
	durationSeconds: number;
	connections: number;
};

/** A measured target: what the scenario returns for each row of the table. */
export type Row = {
	name: string;
	path: string;
	baseline: boolean;
	measurement: Measurement;
};

export type ScenarioContext = {
	readonly options: LoadOptions;
	/**
	 * Starts the production app on a free port with a fresh database (the demo organisation is
	 * seeded by the app on first start). The runner stops it when the scenario ends, even if it
	 * throws; calling `stop()` earlier is allowed.
	 */
	startApp(options?: StartAppOptions): Promise<RunningApp>;
	/** Checks the target answers, warms it up, then measures it under load. */
	measure(app: RunningApp, target: Target): Promise<Row>;
	/** A progress line on stderr (the table goes to stdout). */
	log(message: string): void;
};

export type Scenario = {
	/** Kebab-case, equal to the file name and the registry key in bench/run.ts. */
	name: string;
	/** One sentence: what is measured against what. */
	description: string;
	run(ctx: ScenarioContext): Promise<Row[]>;
};
