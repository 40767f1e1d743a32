/**
 * Password sign-in throughput at the configured Argon2id settings: POST /login (the form,
 * form-urlencoded, Origin set, redirects not followed) as a demo account, next to GET /baseline at
 * the same number of connections. A successful sign-in answers 303 (to the home page, with the
 * session cookie), so in the sign-in row 303 is success and every other status is an error.
 *
 * Hashing runs through a gate of HASH_CONCURRENCY slots (src/lib/server/auth/password.ts), so the
 * app's memory must stay flat however many sign-ins queue up: the scenario samples the app's
 * resident memory (VmRSS in /proc/<pid>/status) during the load and reports its peak.
 *
 * Successful sign-ins are not throttled (throttling counts failures only), so one account can be
 * signed in as over and over; its cost is the same as any other's.
 *
 * Connections: 8 by default, which is plenty to saturate the hashing gate; `--connections <n>`
 * other than the runner's default applies to both rows instead.
 */
import type { RunningApp } from '../lib/app.ts';
import { runLoad } from '../lib/load.ts';
import { findAppPid, readRss } from '../lib/process.ts';
import { DEFAULTS } from '../lib/options.ts';
import type { Measurement, Row, Scenario, ScenarioContext } from '../lib/types.ts';

const SIGN_IN_CONNECTIONS = 8;
/** A demo account without special roles (src/lib/server/demo/organisation.ts). */
const ACCOUNT = 'aisha.khan@commons.test';
const TARGET_SIGN_INS_PER_SECOND = 5;
const TARGET_P95_MS = 300;
const SAMPLE_EVERY_MS = 100;
const MIB = 1024 * 1024;

type Memory = {
	/** The app's resident memory just before the sign-in load. */
	rssBeforeBytes: number;
	/** The highest resident memory sampled during warm-up and measurement. */
	peakRssBytes: number;
	samples: number;
};

type SignInRow = Row & {
	memory: Memory | null;
	targets: { signInsPerSecond: number; p95Ms: number; met: boolean };
};

function sampleRss(pid: number | null) {
	const before = pid === null ? null : readRss(pid);
	let peak = before ?? 0;
	let samples = 0;
	const timer = setInterval(() => {
		const rss = pid === null ? null : readRss(pid);
		if (rss === null) return;
		samples++;
		peak = Math.max(peak, rss);
	}, SAMPLE_EVERY_MS);
	return {
		stop(): Memory | null {
			clearInterval(timer);
			if (before === null) return null;
			return { rssBeforeBytes: before, peakRssBytes: peak, samples };
		}
	};
}

/** In this row 303 is the success; everything else (and no answer at all) is an error. */
function countRedirectsAsSuccess(measurement: Measurement): Measurement {
	const unexpected = measurement.responses - (measurement.statusCodes['303'] ?? 0);
	return {
		...measurement,
		non2xx: unexpected,
		errors: unexpected + measurement.socketErrors
	};
}

async function measureSignIn(
	ctx: ScenarioContext,
	app: RunningApp,
	connections: number
): Promise<SignInRow> {
	const url = `${app.url}/login`;
	const request = {
		url,
		connections,
		method: 'POST',
		headers: {
			'content-type': 'application/x-www-form-urlencoded',
			// As a browser's form post: without it SvelteKit answers 200 with the action as JSON.
			accept: 'text/html',
			origin: app.url
		},
		body: new URLSearchParams({ email: ACCOUNT, password: app.demoPassword }).toString()
	};

	// One real sign-in first: a wrong password, a missing account or a CSRF refusal would
	// otherwise show up only as a table full of errors.
	const first = await fetch(url, {
		method: 'POST',
		headers: request.headers,
		body: request.body,
		redirect: 'manual',
		signal: AbortSignal.timeout(30_000)
	});
	await first.arrayBuffer();
	if (first.status !== 303 || !first.headers.get('set-cookie')) {
		throw new Error(
			`POST /login as ${ACCOUNT} answered ${first.status}` +
				`${first.headers.get('set-cookie') ? '' : ' without a session cookie'}, not 303 with one. ` +
				`The app's last output:\n${app.logTail()}`
		);
	}

	const pid = findAppPid(app);
	if (pid === null) ctx.log('warning: could not find the app process; memory is not reported');
	const sampler = sampleRss(pid);
	try {
		if (ctx.options.warmup > 0) {
			ctx.log(`sign-in POST /login: warming up ${ctx.options.warmup} s`);
			await runLoad({ ...request, duration: ctx.options.warmup });
		}
		ctx.log(
			`sign-in POST /login: measuring ${ctx.options.duration} s at ${connections} connections`
		);
		const measurement = countRedirectsAsSuccess(
			await runLoad({ ...request, duration: ctx.options.duration })
		);
		if (measurement.errors > 0) {
			const codes = Object.entries(measurement.statusCodes)
				.map(([code, count]) => `${code}: ${count}`)
				.join(', ');
			ctx.log(
				`sign-in POST /login: warning: ${measurement.errors} errors (${measurement.socketErrors} ` +
					`without a response; status codes ${codes})`
			);
		}
		const signInsPerSecond =
			(measurement.statusCodes['303'] ?? 0) / (measurement.durationSeconds || 1);
		return {
			name: 'sign-in',
			path: '/login',
			baseline: false,
			measurement,
			memory: sampler.stop(),
			targets: {
				signInsPerSecond: Math.round(signInsPerSecond * 100) / 100,
				p95Ms: measurement.latencyMs.p95,
				met:
					signInsPerSecond >= TARGET_SIGN_INS_PER_SECOND &&
					measurement.latencyMs.p95 < TARGET_P95_MS
			}
		};
	} finally {
		sampler.stop();
	}
}

function summary(row: SignInRow): string {
	const { signInsPerSecond, p95Ms } = row.targets;
	const verdict = (met: boolean) => (met ? 'met' : 'NOT MET');
	const lines = [
		`sign-in targets: ${signInsPerSecond.toFixed(1)} sign-ins/s (target ≥ ${TARGET_SIGN_INS_PER_SECOND}: ` +
			`${verdict(signInsPerSecond >= TARGET_SIGN_INS_PER_SECOND)}), p95 ${p95Ms.toFixed(0)} ms ` +
			`(target < ${TARGET_P95_MS} ms: ${verdict(p95Ms < TARGET_P95_MS)})`
	];
	if (row.memory) {
		const { rssBeforeBytes, peakRssBytes, samples } = row.memory;
		lines.push(
			`sign-in memory: app RSS ${(rssBeforeBytes / MIB).toFixed(0)} MiB before the load, peak ` +
				`${(peakRssBytes / MIB).toFixed(0)} MiB during it (${samples} samples, every ${SAMPLE_EVERY_MS} ms)`
		);
	}
	return lines.join('\n');
}

const scenario: Scenario = {
	name: 'sign-in',
	description: `password sign-ins (POST /login, Argon2id) as ${ACCOUNT} next to GET /baseline, with the app's peak RSS`,
	async run(ctx) {
		const connections =
			ctx.options.connections === DEFAULTS.connections
				? SIGN_IN_CONNECTIONS
				: ctx.options.connections;
		const app = await ctx.startApp();
		const baseline = await ctx.measure(app, {
			name: 'baseline',
			path: '/baseline',
			baseline: true,
			connections
		});
		const signIn = await measureSignIn(ctx, app, connections);
		// The runner prints the table after this returns; the targets and memory go just above it.
		console.log(`\n${summary(signIn)}`);
		return [baseline, signIn];
	}
};

export default scenario;
