/**
 * The background job runner: graphile-worker on the app's own PostgreSQL. Jobs are rows in the
 * `graphile_worker` schema (created by `run` on first start), added in the same transaction as
 * the change that needs them; workers wake through LISTEN/NOTIFY and poll as a fallback.
 * Tasks are registered by name in ./tasks.ts, so later features (memo reminders, e-mail) add a
 * line there. One runner per process, kept on a globalThis symbol like the database.
 */
import { Logger, parseCrontab, run, type Runner, type TaskList } from 'graphile-worker';
import pg from 'pg';
import { isShuttingDown, onShutdown } from '../lifecycle.ts';
import { logger } from '../log.ts';

const RUNNER = Symbol.for('commons.jobRunner');
type Holder = { [RUNNER]?: Promise<Runner> };

export type JobRunnerOptions = {
	connectionString: string;
	tasks: TaskList;
	/** Lines in crontab syntax, e.g. `* * * * * search_index`. */
	crontab?: string;
	/** Jobs this process runs at once. */
	concurrency?: number;
	/** Fallback polling when a notification is missed (ms). */
	pollInterval?: number;
};

const workerLogger = new Logger((scope) => (level, message, meta) => {
	const log = logger().child({ jobs: scope.taskIdentifier ?? 'runner', jobId: scope.jobId });
	const payload = meta ? { meta } : {};
	if (level === 'error') log.error(payload, message);
	else if (level === 'warning') log.warn(payload, message);
	// graphile-worker reports every completed job at "info": that is debugging detail here.
	else log.debug(payload, message);
});

/**
 * Starts a job runner for `options.tasks` with its own small connection pool. The caller stops it
 * with `runner.stop()`, which lets running jobs finish.
 */
export async function startJobRunner(options: JobRunnerOptions): Promise<Runner> {
	const pgPool = new pg.Pool({ connectionString: options.connectionString, max: 4 });
	// An idle connection dropped by the server must not crash the process.
	const lost = (error: Error) => {
		if (!isShuttingDown()) logger().warn({ err: error }, 'job runner connection lost');
	};
	pgPool.on('error', lost);
	pgPool.on('connect', (client) => client.on('error', lost));
	try {
		const runner = await run({
			pgPool,
			taskList: options.tasks,
			parsedCronItems: parseCrontab(options.crontab ?? ''),
			concurrency: options.concurrency ?? 2,
			pollInterval: options.pollInterval ?? 2000,
			// The app handles SIGTERM itself and stops the runner among its shutdown steps.
			noHandleSignals: true,
			// A job that ends while the runner stops must be recorded before its pool closes.
			// Unbatched (the default), graphile-worker writes a job's success or failure without
			// waiting for it, and the stop could end the pool first: the job then stayed locked
			// for four hours by a worker that no longer existed. Batched, even with no delay,
			// the stop flushes those writes first.
			preset: { worker: { completeJobBatchDelay: 0, failJobBatchDelay: 0 } },
			logger: workerLogger
		});
		const stop = runner.stop.bind(runner);
		runner.stop = async (reason?: string) => {
			await stop(reason);
			await pgPool.end();
		};
		return runner;
	} catch (error) {
		await pgPool.end();
		throw error;
	}
}

/** Starts the app's runner once per process and stops it at shutdown. */
export function startAppJobRunner(options: JobRunnerOptions): Promise<Runner> {
	const holder = globalThis as Holder;
	if (!holder[RUNNER]) {
		holder[RUNNER] = startJobRunner(options).then((runner) => {
			onShutdown('job runner', () => runner.stop());
			return runner;
		});
		holder[RUNNER].catch(() => delete holder[RUNNER]);
	}
	return holder[RUNNER];
}
