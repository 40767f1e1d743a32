/**
 * What a run reports: ratios against each scenario's baseline, the printed table and the JSON
 * files under bench/results/. Numbers from different runs (or machines) are not comparable;
 * ratios within one run are.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { LoadOptions, Measurement, Row } from './types.ts';

export type Machine = {
	cpus: number;
	cpuModel: string;
	totalMemoryBytes: number;
	nodeVersion: string;
	platform: string;
	arch: string;
	/** 1, 5 and 15 minute load averages when the run started: a hint of how noisy it was. */
	loadAverage: number[];
};

export type GitState = { commit: string; dirty: boolean } | null;

/** Row ratios to the scenario's baseline row; null on the baseline itself or without one. */
export type VsBaseline = {
	/** This row's requests/s divided by the baseline's: below 1 is slower. */
	requestsPerSecond: number;
	/** This row's p95 latency divided by the baseline's: above 1 is slower. */
	p95: number;
} | null;

export type ResultRow = Row & { vsBaseline: VsBaseline };

export type ScenarioResult = {
	name: string;
	description: string;
	startedAt: string;
	elapsedSeconds: number;
	rows: ResultRow[];
	/** Set when the scenario failed; rows then holds what was measured before the failure. */
	error?: string;
};

export type RunHeader = {
	timestamp: string;
	machine: Machine;
	git: GitState;
	options: LoadOptions;
};

export function machineInfo(): Machine {
	const cpus = os.cpus();
	return {
		cpus: cpus.length,
		cpuModel: cpus[0]?.model.trim() ?? 'unknown',
		totalMemoryBytes: os.totalmem(),
		nodeVersion: process.version,
		platform: `${os.type()} ${os.release()}`,
		arch: os.arch(),
		loadAverage: os.loadavg().map((n) => Math.round(n * 100) / 100)
	};
}

export function gitState(cwd: string): GitState {
	try {
		const run = (args: string[]) =>
			execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
		return {
			commit: run(['rev-parse', 'HEAD']).trim(),
			dirty: run(['status', '--porcelain']) !== ''
		};
	} catch {
		return null;
	}
}

function ratio(value: number, base: number): number {
	return base > 0 ? Math.round((value / base) * 1000) / 1000 : Number.NaN;
}

export function withRatios(rows: Row[]): ResultRow[] {
	const base = rows.find((row) => row.baseline)?.measurement;
	return rows.map((row) => ({
		...row,
		vsBaseline:
			base && !row.baseline
				? {
						requestsPerSecond: ratio(row.measurement.requestsPerSecond, base.requestsPerSecond),
						p95: ratio(row.measurement.latencyMs.p95, base.latencyMs.p95)
					}
				: null
	}));
}

const fixed = (n: number, digits: number) => (Number.isFinite(n) ? n.toFixed(digits) : '-');

function vsBaselineCell(row: ResultRow): string {
	if (row.baseline) return 'baseline';
	if (!row.vsBaseline) return '-';
	return `${fixed(row.vsBaseline.requestsPerSecond, 2)}× req/s, ${fixed(row.vsBaseline.p95, 2)}× p95`;
}

/** A plain-text table: one line per row, numbers right-aligned. */
export function formatTable(result: ScenarioResult): string {
	const header = ['target', 'path', 'req/s', 'p50 ms', 'p95 ms', 'p99 ms', 'errors', 'vs baseline'];
	const body = result.rows.map((row) => {
		const m: Measurement = row.measurement;
		return [
			row.name,
			row.path,
			fixed(m.requestsPerSecond, 1),
			fixed(m.latencyMs.p50, 2),
			fixed(m.latencyMs.p95, 2),
			fixed(m.latencyMs.p99, 2),
			String(m.errors),
			vsBaselineCell(row)
		];
	});
	const lines = [header, ...body];
	const widths = header.map((_, i) => Math.max(...lines.map((cells) => (cells[i] ?? '').length)));
	const leftAligned = new Set([0, 1, 7]);
	const render = (cells: string[]) =>
		cells
			.map((cell, i) => {
				const width = widths[i] ?? cell.length;
				return leftAligned.has(i) ? cell.padEnd(width) : cell.padStart(width);
			})
			.join('  ')
			.trimEnd();
	const out = [`${result.name}: ${result.description}`, render(header), ...body.map(render)];
	if (result.error) out.push(`FAILED: ${result.error}`);
	return out
		.map((line) => `  ${line}`)
		.join('\n')
		.replace(/^ {2}/, '');
}

function writeJson(file: string, value: unknown): void {
	fs.mkdirSync(path.dirname(file), { recursive: true });
	fs.writeFileSync(file, `${JSON.stringify(value, null, '\t')}\n`);
}

/** bench/results/<scenario>.json: the run's header and that one scenario. */
export function writeScenarioResult(
	dir: string,
	header: RunHeader,
	result: ScenarioResult
): string {
	const file = path.join(dir, `${result.name}.json`);
	writeJson(file, { ...header, scenario: result });
	return file;
}

/** bench/results/latest.json: the run's header and every scenario it ran. */
export function writeLatest(dir: string, header: RunHeader, results: ScenarioResult[]): string {
	const file = path.join(dir, 'latest.json');
	writeJson(file, { ...header, scenarios: results });
	return file;
}
