/**
 * The CI dependency check (scripts/audit-dependencies.ts) judges `npm audit --json` output:
 * high and critical advisories fail, lower ones pass, and an advisory database that does not
 * answer is reported as not checked rather than as clean.
 */
import { describe, expect, it } from 'vitest';
import { judgeAudit } from '../../scripts/audit-dependencies.ts';

const report = (
	vulnerabilities: Record<string, unknown>,
	counts: Partial<Record<'low' | 'moderate' | 'high' | 'critical', number>>
) =>
	JSON.stringify({
		auditReportVersion: 2,
		vulnerabilities,
		metadata: {
			vulnerabilities: { info: 0, low: 0, moderate: 0, high: 0, critical: 0, ...counts }
		}
	});

describe('judgeAudit', () => {
	it('passes a report without advisories, and one with only moderate and low ones', () => {
		expect(judgeAudit(report({}, {}))).toEqual({
			kind: 'clean',
			line: 'no high or critical advisories (0 critical, 0 high, 0 moderate, 0 low)'
		});
		const moderate = judgeAudit(
			report(
				{ cookie: { name: 'cookie', severity: 'moderate', range: '<0.7.0', via: [] } },
				{ moderate: 1 }
			)
		);
		expect(moderate.kind).toBe('clean');
	});

	it('fails on high and critical advisories, naming the package, the advisory and the fix', () => {
		const verdict = judgeAudit(
			report(
				{
					'socket.io-parser': {
						name: 'socket.io-parser',
						severity: 'high',
						range: '4.0.0 - 4.2.2',
						via: [
							{
								title: 'Insufficient validation when decoding a Socket.IO packet',
								url: 'https://github.com/advisories/GHSA-xxxx',
								severity: 'high'
							}
						],
						fixAvailable: true
					},
					'socket.io': {
						name: 'socket.io',
						severity: 'critical',
						range: '<4.8.0',
						via: ['socket.io-parser'],
						fixAvailable: false
					},
					ms: { name: 'ms', severity: 'low', range: '<2.0.0', via: [] }
				},
				{ high: 1, critical: 1, low: 1 }
			)
		);
		expect(verdict).toEqual({
			kind: 'findings',
			line: '2 high or critical (1 critical, 1 high, 0 moderate, 1 low)',
			details: [
				'high socket.io-parser@4.0.0 - 4.2.2: Insufficient validation when decoding a Socket.IO packet https://github.com/advisories/GHSA-xxxx (a fix is available)',
				'critical socket.io@<4.8.0: through socket.io-parser (no fix yet)'
			]
		});
	});

	it('says nothing was checked when the registry refuses or is unreachable', () => {
		const refused = judgeAudit(
			JSON.stringify({
				message:
					'405 Method Not Allowed - POST https://registry.example/-/npm/v1/security/advisories/bulk',
				statusCode: 405,
				error: { summary: '', detail: '' }
			})
		);
		expect(refused).toEqual({
			kind: 'unavailable',
			line: 'the advisory database did not answer (405 Method Not Allowed - POST https://registry.example/-/npm/v1/security/advisories/bulk)'
		});
		expect(
			judgeAudit(JSON.stringify({ error: { code: 'ENOTFOUND', summary: 'getaddrinfo ENOTFOUND' } }))
				.kind
		).toBe('unavailable');
		expect(judgeAudit('').kind).toBe('unavailable');
	});
});
