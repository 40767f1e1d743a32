import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	compilerOptions: {
		// Scoped-style classes as "s-1u9jp2p" rather than Svelte's "svelte-1u9jp2p" (same hash of
		// the component's file): a feed page carries some 600 of them, 3% of its bytes.
		cssHash: ({ css, filename, hash }) =>
			`s-${hash(filename === '(unknown)' ? css : (filename ?? css))}`
	},
	kit: {
		adapter: adapter({ out: 'build', precompress: true }),
		// Links and assets from the site's root ("/people/42", not "./people/42"): the app is
		// served at a root or a fixed base, never moved, and a relative link costs its page's
		// path depth worked out again for every `resolve()` while rendering (4% of the feed).
		paths: { relative: false },
		// The cross-site form check runs in hooks.server.ts instead (src/lib/server/auth/csrf.ts): the
		// same rule, with one exemption SvelteKit cannot express (RFC 8058 one-click unsubscribe).
		csrf: { trustedOrigins: ['*'] },
		csp: {
			mode: 'nonce',
			directives: {
				'default-src': ['self'],
				'script-src': ['self'],
				// Svelte sets style attributes (transitions, dimensions); no inline <style> from users.
				'style-src': ['self', 'unsafe-inline'],
				'img-src': ['self', 'data:', 'blob:'],
				'font-src': ['self'],
				'connect-src': ['self'],
				'object-src': ['none'],
				'base-uri': ['none'],
				'frame-ancestors': ['none'],
				'form-action': ['self']
			}
		},
		// Server-only code and scripts outside src/ import each other with explicit .ts
		// extensions so that Node's type stripping can run them without a build step.
		typescript: {
			config(tsconfig) {
				tsconfig.include.push(
					'../server/**/*.ts',
					'../scripts/**/*.ts',
					'../migrations/**/*.ts',
					'../tests/**/*.ts',
					'../bench/**/*.ts'
				);
				return tsconfig;
			}
		}
	}
};

export default config;
