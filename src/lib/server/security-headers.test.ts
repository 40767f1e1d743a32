import { describe, expect, it } from 'vitest';
import { FALLBACK_CSP, HSTS, securityHeaders, sendsHsts } from './security-headers.ts';

describe('securityHeaders', () => {
	it('sends HSTS only in production behind an https origin', () => {
		expect(sendsHsts({ production: true, origin: 'https://intranet.example.org' })).toBe(true);
		expect(sendsHsts({ production: true, origin: 'http://127.0.0.1:4173' })).toBe(false);
		expect(sendsHsts({ production: true, origin: undefined })).toBe(false);
		expect(sendsHsts({ production: false, origin: 'https://intranet.example.org' })).toBe(false);
		expect(
			securityHeaders({ production: true, origin: 'https://intranet.example.org' })[
				'strict-transport-security'
			]
		).toBe(HSTS);
		expect(securityHeaders({ production: false, origin: undefined })).not.toHaveProperty(
			'strict-transport-security'
		);
	});

	it('falls back to a policy under which nothing runs, frames or changes the base URL', () => {
		const directives = new Map(
			FALLBACK_CSP.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1).join(' ')])
		);
		expect(directives.get('default-src')).toBe("'none'");
		expect(directives.get('object-src')).toBe("'none'");
		expect(directives.get('base-uri')).toBe("'none'");
		expect(directives.get('frame-ancestors')).toBe("'none'");
		expect(directives.has('script-src')).toBe(false);
		expect(securityHeaders({ production: false, origin: undefined })).toMatchObject({
			'content-security-policy': FALLBACK_CSP,
			'x-content-type-options': 'nosniff',
			'referrer-policy': 'strict-origin-when-cross-origin'
		});
	});
});
