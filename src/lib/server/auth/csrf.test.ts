import { describe, expect, it } from 'vitest';
import { isForbiddenCrossSiteForm } from './csrf.ts';

const url = new URL('https://intranet.example.org/notifications?/readAll');
const request = (method: string, headers: Record<string, string>) =>
	new Request(url, { method, headers });

describe('the cross-site form check', () => {
	it('refuses form posts from another origin or with no origin, as SvelteKit does', () => {
		const form = { 'content-type': 'application/x-www-form-urlencoded' };
		expect(
			isForbiddenCrossSiteForm(request('POST', { ...form, origin: 'https://evil.test' }), url)
		).toBe(true);
		expect(isForbiddenCrossSiteForm(request('POST', form), url)).toBe(true);
		expect(
			isForbiddenCrossSiteForm(
				request('DELETE', { 'content-type': 'multipart/form-data; boundary=x' }),
				url
			)
		).toBe(true);
		expect(isForbiddenCrossSiteForm(request('PUT', { 'content-type': 'text/plain' }), url)).toBe(
			true
		);
	});

	it('lets same-origin forms, JSON and reads through', () => {
		const form = { 'content-type': 'application/x-www-form-urlencoded' };
		expect(isForbiddenCrossSiteForm(request('POST', { ...form, origin: url.origin }), url)).toBe(
			false
		);
		expect(
			isForbiddenCrossSiteForm(request('POST', { 'content-type': 'application/json' }), url)
		).toBe(false);
		expect(isForbiddenCrossSiteForm(request('GET', {}), url)).toBe(false);
	});

	it('exempts only the signed one-click unsubscribe URL (RFC 8058 posts come with no origin)', () => {
		const oneClick = new URL('https://intranet.example.org/unsubscribe?u=1&c=mention&s=x');
		const post = new Request(oneClick, {
			method: 'POST',
			headers: { 'content-type': 'application/x-www-form-urlencoded' },
			body: 'List-Unsubscribe=One-Click'
		});
		expect(isForbiddenCrossSiteForm(post, oneClick)).toBe(false);
		const elsewhere = new URL('https://intranet.example.org/unsubscribe/other');
		expect(
			isForbiddenCrossSiteForm(
				new Request(elsewhere, { method: 'POST', headers: { 'content-type': 'text/plain' } }),
				elsewhere
			)
		).toBe(true);
	});
});
