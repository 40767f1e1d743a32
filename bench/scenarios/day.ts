/**
 * A working day of a large organisation (see bench/README.md, `day`): simulated people sign in,
 * keep a live socket, and read the feed, open threads and chat in them, search, open knowledge
 * pages and acknowledge memos, a few of them writing (bench/lib/day/person.ts). The number of
 * active people climbs in steps (`--steps`, default 10,100,250,500,750,1000,1500,2000,3000); each
 * step is measured for `--duration` seconds after `--warmup` seconds, and the ramp stops at the
 * first step that breaks a threshold: mean request latency over 50 ms, p99 over 500 ms, 5xx at
 * 0.025% or more, or message delivery p99 over 250 ms. The first step is the floor the others
 * are compared with (a floor that breaks, on caches still cold, does not stop the ramp). It reports the largest number of people held, with latencies, delivery,
 * errors, CPU (app, PostgreSQL, proxy, the load generator, the machine) and the app's memory,
 * then the statements that took the database's time, with sampled EXPLAIN (ANALYZE, BUFFERS).
 *
 * `--instances 2` runs the ramp twice on fresh copies of the database, behind the same local
 * proxy with sticky sessions: one instance, then two sharing PostgreSQL (socket.io's PostgreSQL
 * adapter carries live events between them), and reports the gain.
 */
import { createDb } from '../../src/lib/server/db/index.ts';
import { freePort, type RunningApp } from '../lib/app.ts';
import { prepareDayDatabase, type DayDatabase } from '../lib/day/database.ts';
import { HttpClient } from '../lib/day/http.ts';
import { actionMix, Person, type World } from '../lib/day/person.ts';
import { topQueries, type TopQuery } from '../lib/day/plans.ts';
import { startProxy, type RunningProxy } from '../lib/day/proxy.ts';
import { StepRecorder, THRESHOLDS, type StepSummary } from '../lib/day/recorder.ts';
import { UsageSampler, type Usage } from '../lib/day/system.ts';
import { loadTargets, type DayTargets } from '../lib/day/targets.ts';
import { findAppPid } from '../lib/process.ts';
import { random } from '../lib/search-load.ts';
import type { Row, Scenario, ScenarioContext } from '../lib/types.ts';

export const DEFAULT_STEPS = [10, 100, 250, 500, 750, 1000, 1500, 2000, 3000];
const SIGN_IN_CONCURRENCY = 4;
const TARGET_PEOPLE = 1000;
const MIB = 1024 * 1024;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function thinkSeconds(): number {
	const raw = process.env.BENCH_DAY_THINK_SECONDS ?? '30';
	const n = Number(raw);
	if (!(n > 0)) throw new Error(`BENCH_DAY_THINK_SECONDS must be a positive number (got ${raw})`);
	return n;
}

/** Runs `work` over `items`, at most `limit` at a time. */
async function inParallel<T>(items: T[], limit: number, work: (item: T) => Promise<void>) {
	let next = 0;
	await Promise.all(
		Array.from({ length: Math.min(limit, items.length) }, async () => {
			while (next < items.length) await work(items[next++]!);
		})
	);
}

export type StepRow = Row & {
	instances: number;
	people: number;
	held: boolean;
	broken: string[];
	deliveryMs: StepSummary['deliveryMs'];
	deliveries: { expected: number; received: number };
	serverErrorRate: number;
	clientErrors: number;
	signInMs: StepSummary['signInMs'];
	byAction: StepSummary['byAction'];
	usage: Usage;
	topQueries?: TopQuery[];
};

type Outcome = { instances: number; rows: StepRow[]; held: StepRow | null; broke: StepRow | null };

const pct = (rate: number) => `${(rate * 100).toFixed(3)}%`;

function describeStep(row: StepRow): string {
	const m = row.measurement;
	const u = row.usage;
	return (
		`${row.people} people: ${m.requestsPerSecond} req/s, mean ${m.latencyMs.mean} ms, ` +
		`p99 ${m.latencyMs.p99} ms, delivery p99 ${row.deliveryMs.p99} ms ` +
		`(${row.deliveries.received}/${row.deliveries.expected}), 5xx ${pct(row.serverErrorRate)}, ` +
		`app ${u.appCpuPercent}% CPU ${(u.appPeakRssBytes / MIB).toFixed(0)} MiB, ` +
		`PostgreSQL ${u.postgresCpuPercent}%, proxy ${u.proxyCpuPercent}%, ` +
		`load generator ${u.loadGeneratorCpuPercent}%, machine ${u.machineBusyPercent}% busy` +
		(row.broken.length ? ` — BROKE: ${row.broken.join('; ')}` : ' — held')
	);
}

async function ramp(
	ctx: ScenarioContext,
	database: DayDatabase,
	targets: DayTargets,
	url: string,
	instances: number,
	behindProxy: boolean
): Promise<Outcome> {
	const steps = ctx.options.steps ?? DEFAULT_STEPS;
	const proxyPort = behindProxy ? await freePort() : null;
	const proxyOrigin = proxyPort === null ? null : `http://127.0.0.1:${proxyPort}`;
	const apps: RunningApp[] = [];
	let proxy: RunningProxy | null = null;
	const people: Person[] = [];
	const rows: StepRow[] = [];
	try {
		for (let i = 0; i < instances; i++)
			apps.push(
				await ctx.startApp({
					env: {
						DATABASE_URL: url,
						REALTIME_ADAPTER: instances > 1 ? 'postgres' : 'memory',
						...(proxyOrigin ? { ORIGIN: proxyOrigin } : {}),
						DEMO_PASSWORD: database.password,
						// Limits meant for one abusive client; here every person shares one address.
						API_RATE_LIMIT: '0',
						API_RATE_LIMIT_PER_IP: '0'
					}
				})
			);
		if (proxyPort !== null)
			proxy = await startProxy(
				proxyPort,
				apps.map((a) => a.url)
			);
		const entry = proxy?.url ?? apps[0]!.url;
		let recorder = new StepRecorder();
		const world: World = {
			http: new HttpClient(entry),
			socketUrl: entry,
			password: database.password,
			targets,
			thinkSeconds: thinkSeconds(),
			recorder: () => recorder,
			sent: new Map(),
			present: new Map(),
			random: random(42 + instances),
			mix: actionMix()
		};
		const appPids = apps.map((a) => findAppPid(a)).filter((p): p is number => p !== null);
		const label = `${instances} instance${instances > 1 ? 's' : ''}${proxy ? ' behind the proxy' : ''}`;
		// Only the ramp's statements: not the apps' start-up (migrations check, job runner).
		await database.resetStatistics(url);

		for (const [index, target] of steps.entries()) {
			recorder = new StepRecorder();
			const newcomers = targets.people
				.slice(people.length, target)
				.map((p) => new Person(world, p));
			const signingIn = performance.now();
			let refused = 0;
			await inParallel(newcomers, SIGN_IN_CONCURRENCY, async (person) => {
				if (!(await person.signIn())) return void refused++;
				try {
					await person.connect();
				} catch {
					refused++;
					return;
				}
				person.start();
				people.push(person);
			});
			ctx.log(
				`${label}: ${newcomers.length} people signed in and connected in ` +
					`${((performance.now() - signingIn) / 1000).toFixed(1)} s${refused ? ` (${refused} could not)` : ''}; ` +
					`${people.length} active`
			);
			if (ctx.options.warmup > 0) await sleep(ctx.options.warmup * 1000);
			const sampler = new UsageSampler(appPids, database.dataDir, proxy ? [proxy.pid] : []);
			sampler.start();
			const windowStart = performance.now();
			recorder.start();
			await sleep(ctx.options.duration * 1000);
			recorder.stop();
			const usage = sampler.stop();
			const windowEnd = performance.now();
			await sleep(2000); // late deliveries of messages sent at the end of the window
			const deliveries = { expected: 0, received: 0 };
			for (const sent of world.sent.values())
				if (sent.at >= windowStart && sent.at <= windowEnd) {
					deliveries.expected += sent.expected;
					deliveries.received += Math.min(sent.received, sent.expected);
				}
			const summary = recorder.summary(people.length);
			const broken = [
				...summary.broken,
				...(refused ? [`${refused} people could not sign in or connect`] : [])
			];
			const row: StepRow = {
				name: `${instances}× ${people.length} people`,
				path: 'working-day mix',
				baseline: instances === 1 && index === 0,
				measurement: summary.measurement,
				instances,
				people: people.length,
				held: broken.length === 0,
				broken,
				deliveryMs: summary.deliveryMs,
				deliveries,
				serverErrorRate: summary.serverErrorRate,
				clientErrors: summary.clientErrors,
				signInMs: summary.signInMs,
				byAction: summary.byAction,
				usage
			};
			rows.push(row);
			ctx.log(`${label}: ${describeStep(row)}`);
			ctx.log(
				`${label}:   slowest actions (p99): ` +
					Object.entries(row.byAction)
						.sort(([, a], [, b]) => b.p99 - a.p99)
						.slice(0, 5)
						.map(([action, l]) => `${action} ${l.p99} ms (mean ${l.mean}, ${l.count}×)`)
						.join(', ')
			);
			// The floor (first step) is the comparison, and meets caches still cold: go on past it.
			if (!row.held && index > 0) break;
		}
		await Promise.all(people.map((p) => p.stop()));
		world.http.close();
		const top = await topQueries(url, database.plans);
		if (rows[0]) rows[0].topQueries = top;
		ctx.log(`${label}: the statements that took the database's time:`);
		for (const [i, q] of top.entries()) {
			ctx.log(
				`  ${i + 1}. ${(q.share * 100).toFixed(1)}% of the time, ${q.calls} calls, mean ${q.meanMs} ms, ` +
					`${q.rowsPerCall} rows, buffers hit ${q.sharedBlocksHit} read ${q.sharedBlocksRead}: ${q.query.slice(0, 300)}`
			);
			if (q.plan) for (const line of q.plan.text.split('\n')) ctx.log(`       ${line}`);
		}
	} finally {
		await Promise.all(people.map((p) => p.stop()));
		await proxy?.stop();
		await Promise.all(apps.map((a) => a.stop()));
	}
	// Held: the last step before the first broken one (the floor does not count as broken).
	const firstBroken = rows.findIndex((r, i) => !r.held && i > 0);
	const candidates = firstBroken < 0 ? rows : rows.slice(0, firstBroken);
	return {
		instances,
		rows,
		held: candidates.filter((r) => r.held).at(-1) ?? null,
		broke: firstBroken < 0 ? null : rows[firstBroken]!
	};
}

function verdict(outcome: Outcome): string {
	const held = outcome.held;
	const name = `${outcome.instances} instance${outcome.instances > 1 ? 's' : ''}`;
	const heldText = held
		? `held ${held.people} active people (mean ${held.measurement.latencyMs.mean} ms, p99 ` +
			`${held.measurement.latencyMs.p99} ms, delivery p99 ${held.deliveryMs.p99} ms, 5xx ` +
			`${pct(held.serverErrorRate)}, app CPU ${held.usage.appCpuPercent}%, PostgreSQL CPU ` +
			`${held.usage.postgresCpuPercent}%, app memory ${(held.usage.appPeakRssBytes / MIB).toFixed(0)} MiB)`
		: 'held no step';
	const brokeText = outcome.broke
		? `; broke at ${outcome.broke.people} (${outcome.broke.broken.join('; ')})`
		: '; the last step held (add larger --steps to find the limit)';
	return `${name}: ${heldText}${brokeText}`;
}

const scenario: Scenario = {
	name: 'day',
	description:
		'A working day: simulated people sign in, read, chat over sockets, search, open pages and acknowledge memos; ramps active people until a threshold breaks',
	async run(ctx) {
		const steps = ctx.options.steps ?? DEFAULT_STEPS;
		const database = await prepareDayDatabase((line) => ctx.log(line));
		const outcomes: Outcome[] = [];
		try {
			const db = createDb(database.templateUrl, 2);
			let targets: DayTargets;
			try {
				targets = await loadTargets(db, steps.at(-1)!);
			} finally {
				await db.destroy();
			}
			ctx.log(
				`thresholds: mean ≤ ${THRESHOLDS.meanMs} ms, p99 ≤ ${THRESHOLDS.p99Ms} ms, 5xx < ` +
					`${THRESHOLDS.serverErrorRate * 100}%, delivery p99 ≤ ${THRESHOLDS.deliveryP99Ms} ms; ` +
					`think time ${thinkSeconds()} s; steps ${steps.join(', ')}; ${ctx.options.duration} s each ` +
					`after ${ctx.options.warmup} s` +
					(process.env.BENCH_DAY_SKIP ? `; without: ${process.env.BENCH_DAY_SKIP}` : '')
			);
			const configurations = ctx.options.instances > 1 ? [1, ctx.options.instances] : [1];
			for (const instances of configurations) {
				const name = `day_${instances}x_${process.pid}`;
				const url = await database.copy(name);
				try {
					outcomes.push(
						await ramp(ctx, database, targets, url, instances, configurations.length > 1)
					);
				} finally {
					await database.drop(name);
				}
			}
		} finally {
			await database.stop();
		}
		for (const outcome of outcomes) ctx.log(verdict(outcome));
		const single = outcomes[0]?.held?.people ?? 0;
		ctx.log(
			`target: at least ${TARGET_PEOPLE} active people on one instance: ${single >= TARGET_PEOPLE ? 'met' : 'NOT met'}`
		);
		if (outcomes.length > 1) {
			const more = outcomes[1]!.held?.people ?? 0;
			ctx.log(
				`gain of ${outcomes[1]!.instances} instances: ${single ? `${(more / single).toFixed(2)}×` : 'n/a'} ` +
					`the people held (${more} against ${single})`
			);
		}
		const rows = outcomes.flatMap((o) => o.rows);
		if (rows[0])
			Object.assign(rows[0], {
				dataset: database.dataset,
				thresholds: THRESHOLDS,
				thinkSeconds: thinkSeconds(),
				mix: actionMix(),
				heldPeople: outcomes.map((o) => ({ instances: o.instances, people: o.held?.people ?? 0 }))
			});
		return rows;
	}
};

export default scenario;
