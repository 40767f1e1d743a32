/**
 * `npm run audit:deps`: the production dependencies (`npm audit --omit=dev`) must have no high
 * or critical advisory. CI runs it (.ci/run).
 *
 * Exits 1 and lists them when there are any. When the advisory database cannot be asked (no
 * network, or a registry mirror that does not offer npm's audit endpoint, which answers 405),
 * nothing was checked: it says so on one line starting with "SKIPPED" and exits 0, because a
 * registry outage is not a defect of this code and must not block every change; set
 * AUDIT_REQUIRED=1 to make that an error (exit 2) where the registry is known to answer.
 *
 * Plain Node (type stripping): erasable TypeScript only.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const FAILING_SEVERITIES = ['high', 'critical'] as const;

export type AuditVerdict =
	| { kind: 'clean'; line: string }
	| { kind: 'findings'; line: string; details: string[] }
	| { kind: 'unavailable'; line: string };

type Vulnerability = {
	name?: string;
	severity?: string;
	range?: string;
	via?: (string | { title?: string; url?: string; severity?: string })[];
	fixAvailable?: unknown;
};

/** Judges the JSON that `npm audit --json` printed (report format 2, npm 7 and later). */
export function judgeAudit(output: string): AuditVerdict {
	let report: Record<string, unknown>;
	try {
		report = JSON.parse(output) as Record<string, unknown>;
	} catch {
		return { kind: 'unavailable', line: 'npm audit printed no report' };
	}
	const metadata = report.metadata as { vulnerabilities?: Record<string, number> } | undefined;
	const counts = metadata?.vulnerabilities;
	if (!counts || typeof report.vulnerabilities !== 'object' || report.error) {
		const reason =
			typeof report.message === 'string' && report.message
				? report.message
				: JSON.stringify(report.error ?? report).slice(0, 200);
		return { kind: 'unavailable', line: `the advisory database did not answer (${reason})` };
	}
	const summary = ['critical', 'high', 'moderate', 'low']
		.map((s) => `${counts[s] ?? 0} ${s}`)
		.join(', ');
	const failing = Object.values(report.vulnerabilities as Record<string, Vulnerability>).filter(
		(v) => (FAILING_SEVERITIES as readonly string[]).includes(v.severity ?? '')
	);
	if (failing.length === 0)
		return { kind: 'clean', line: `no high or critical advisories (${summary})` };
	const details = failing.map((v) => {
		const advisories = (v.via ?? [])
			.map((via) => (typeof via === 'string' ? `through ${via}` : `${via.title} ${via.url}`))
			.join('; ');
		const fix = v.fixAvailable ? 'a fix is available' : 'no fix yet';
		return `${v.severity} ${v.name}@${v.range}: ${advisories} (${fix})`;
	});
	return { kind: 'findings', line: `${failing.length} high or critical (${summary})`, details };
}

/** Runs the audit and returns the exit code; `print` receives each output line. */
export function main(
	env: NodeJS.ProcessEnv = process.env,
	print: (line: string) => void = console.log
): number {
	const run = spawnSync('npm', ['audit', '--omit=dev', '--json'], {
		encoding: 'utf8',
		maxBuffer: 64 * 1024 * 1024
	});
	const verdict = judgeAudit(run.stdout ?? '');
	switch (verdict.kind) {
		case 'clean':
			print(`npm audit: ${verdict.line}`);
			return 0;
		case 'findings':
			print(`npm audit: ${verdict.line}`);
			for (const line of verdict.details) print(`  ${line}`);
			print('Upgrade them (npm update, or an "overrides" entry for a transitive one).');
			return 1;
		case 'unavailable':
			if (env.AUDIT_REQUIRED === '1') {
				print(`npm audit FAILED: ${verdict.line}`);
				return 2;
			}
			print(`SKIPPED npm audit: ${verdict.line}; dependencies were not checked`);
			return 0;
	}
}

const isEntry = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isEntry) process.exit(main());
