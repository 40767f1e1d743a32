/**
 * What one step of the day ramp measured: every request (by action), every message delivery,
 * and the verdict against the thresholds. Sign-ins are kept apart: a person signs in once a day,
 * and Argon2id makes each one cost tens of milliseconds on purpose; they still count for errors.
 */
import { percentile } from '../load.ts';
import type { Measurement } from '../types.ts';

export const THRESHOLDS = {
	meanMs: 50,
	p99Ms: 500,
	/** 5xx responses (and requests with no response) over all requests: under 0.025%. */
	serverErrorRate: 0.00025,
	deliveryP99Ms: 250
} as const;

export type Latencies = {
	count: number;
	mean: number;
	p50: number;
	p95: number;
	p99: number;
	max: number;
};

const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

export function summarise(values: number[]): Latencies {
	const sorted = Float64Array.from(values).sort();
	const sum = sorted.reduce((a, b) => a + b, 0);
	return {
		count: sorted.length,
		mean: round(sorted.length ? sum / sorted.length : 0),
		p50: round(percentile(sorted, 50)),
		p95: round(percentile(sorted, 95)),
		p99: round(percentile(sorted, 99)),
		max: round(sorted.at(-1) ?? 0)
	};
}

export type StepSummary = {
	people: number;
	seconds: number;
	measurement: Measurement;
	byAction: Record<string, Latencies & { errors: number }>;
	deliveryMs: Latencies;
	signInMs: Latencies;
	serverErrors: number;
	serverErrorRate: number;
	clientErrors: number;
	/** The thresholds this step broke, in words; empty when it held. */
	broken: string[];
};

type Sample = { action: string; ms: number; status: number; failed: boolean; bytes: number };

export class StepRecorder {
	readonly #requests: Sample[] = [];
	readonly #deliveries: number[] = [];
	readonly #signIns: Sample[] = [];
	#started = 0;
	#stopped = 0;
	recording = false;

	start(): void {
		this.#started = performance.now();
		this.recording = true;
	}

	stop(): void {
		this.#stopped = performance.now();
		this.recording = false;
	}

	/** Sign-ins count whenever they happen (they happen as the step brings people in). */
	request(sample: Sample): void {
		if (sample.action === 'sign in') this.#signIns.push(sample);
		else if (this.recording) this.#requests.push(sample);
	}

	delivery(ms: number): void {
		if (this.recording) this.#deliveries.push(ms);
	}

	summary(people: number): StepSummary {
		const seconds = Math.max(0.001, (this.#stopped || performance.now()) - this.#started) / 1000;
		const all = [...this.#requests, ...this.#signIns];
		const isServerError = (s: Sample) => s.failed || s.status >= 500;
		const serverErrors = all.filter(isServerError).length;
		const clientErrors = all.filter((s) => s.status >= 400 && s.status < 500).length;
		const latencies = summarise(this.#requests.map((s) => s.ms));
		const statusCodes: Record<string, number> = {};
		for (const s of all) {
			const key = s.failed ? 'none' : String(s.status);
			statusCodes[key] = (statusCodes[key] ?? 0) + 1;
		}
		const byAction: StepSummary['byAction'] = {};
		for (const action of new Set(this.#requests.map((s) => s.action))) {
			const samples = this.#requests.filter((s) => s.action === action);
			byAction[action] = {
				...summarise(samples.map((s) => s.ms)),
				errors: samples.filter((s) => isServerError(s) || s.status >= 400).length
			};
		}
		const deliveryMs = summarise(this.#deliveries);
		const serverErrorRate = all.length ? serverErrors / all.length : 0;
		const broken: string[] = [];
		if (latencies.mean > THRESHOLDS.meanMs)
			broken.push(`mean ${latencies.mean} ms > ${THRESHOLDS.meanMs} ms`);
		if (latencies.p99 > THRESHOLDS.p99Ms)
			broken.push(`p99 ${latencies.p99} ms > ${THRESHOLDS.p99Ms} ms`);
		if (serverErrorRate >= THRESHOLDS.serverErrorRate)
			broken.push(
				`5xx ${(serverErrorRate * 100).toFixed(3)}% ≥ ${THRESHOLDS.serverErrorRate * 100}%`
			);
		if (deliveryMs.p99 > THRESHOLDS.deliveryP99Ms)
			broken.push(`delivery p99 ${deliveryMs.p99} ms > ${THRESHOLDS.deliveryP99Ms} ms`);
		const bytes = this.#requests.reduce((a, s) => a + s.bytes, 0);
		return {
			people,
			seconds: round(seconds),
			measurement: {
				requestsPerSecond: round(this.#requests.length / seconds),
				latencyMs: {
					mean: latencies.mean,
					p50: latencies.p50,
					p95: latencies.p95,
					p99: latencies.p99,
					max: latencies.max
				},
				responses: all.filter((s) => !s.failed).length,
				errors: serverErrors + clientErrors,
				non2xx: all.filter((s) => !s.failed && (s.status < 200 || s.status >= 400)).length,
				socketErrors: all.filter((s) => s.failed).length,
				timeouts: 0,
				statusCodes,
				bytesPerSecond: Math.round(bytes / seconds),
				durationSeconds: round(seconds),
				connections: people
			},
			byAction,
			deliveryMs,
			signInMs: summarise(this.#signIns.map((s) => s.ms)),
			serverErrors,
			serverErrorRate,
			clientErrors,
			broken
		};
	}
}
