/**
 * HTTP load with autocannon. Latencies are recorded here from autocannon's `response` event
 * rather than read from its summary: the summary has no p95 and rounds to whole milliseconds,
 * which is too coarse for a page that renders in one or two.
 */
import { createRequire } from 'node:module';
import type { Measurement } from './types.ts';

/** The part of autocannon's programmatic API used here (the package ships no types). */
type AutocannonOptions = {
	url: string;
	connections: number;
	duration: number;
	method?: string;
	headers?: Record<string, string>;
	body?: string;
	timeout?: number;
};
type AutocannonResult = {
	duration: number;
	errors: number;
	timeouts: number;
	non2xx: number;
	requests: { total: number };
	throughput: { total: number };
	statusCodeStats: Record<string, { count: number } | undefined>;
};
type AutocannonInstance = PromiseLike<AutocannonResult> & {
	on(
		event: 'response',
		listener: (client: unknown, statusCode: number, bytes: number, responseTimeMs: number) => void
	): AutocannonInstance;
};
type Autocannon = (options: AutocannonOptions) => AutocannonInstance;

const requireCjs = createRequire(import.meta.url);
const autocannon = requireCjs('autocannon') as Autocannon;

export type LoadRequest = {
	url: string;
	connections: number;
	/** Whole seconds: autocannon checks for the end once a second. */
	duration: number;
	method?: string;
	headers?: Record<string, string>;
	body?: string;
};

/** Nearest-rank percentile of ascending `sorted`; 0 for an empty list. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
	if (sorted.length === 0) return 0;
	const rank = Math.ceil((p / 100) * sorted.length);
	return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] ?? 0;
}

const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;

/** Runs `duration` seconds of load against one URL and summarises it. */
export async function runLoad(request: LoadRequest): Promise<Measurement> {
	const latencies: number[] = [];
	const instance = autocannon({
		url: request.url,
		connections: request.connections,
		duration: request.duration,
		method: request.method ?? 'GET',
		headers: request.headers,
		body: request.body,
		timeout: 10
	});
	instance.on('response', (_client, _status, _bytes, responseTimeMs) => {
		latencies.push(responseTimeMs);
	});
	const result = await instance;

	const sorted = Float64Array.from(latencies).sort();
	const sum = sorted.reduce((total, value) => total + value, 0);
	const seconds = result.duration > 0 ? result.duration : request.duration;
	const statusCodes: Record<string, number> = {};
	for (const [code, stat] of Object.entries(result.statusCodeStats)) {
		if (stat) statusCodes[code] = stat.count;
	}
	return {
		requestsPerSecond: round(result.requests.total / seconds, 2),
		latencyMs: {
			mean: round(sorted.length ? sum / sorted.length : 0, 3),
			p50: round(percentile(sorted, 50), 3),
			p95: round(percentile(sorted, 95), 3),
			p99: round(percentile(sorted, 99), 3),
			max: round(sorted.at(-1) ?? 0, 3)
		},
		responses: result.requests.total,
		errors: result.non2xx + result.errors,
		non2xx: result.non2xx,
		socketErrors: result.errors,
		timeouts: result.timeouts,
		statusCodes,
		bytesPerSecond: Math.round(result.throughput.total / seconds),
		durationSeconds: seconds,
		connections: request.connections
	};
}
