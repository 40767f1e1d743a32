import { sveltekit } from '@sveltejs/kit/vite';
import type { Plugin } from 'vite';
import { defineConfig } from 'vitest/config';
import { attachRealtime } from './src/lib/server/realtime/attach.ts';

/** socket.io on Vite's own HTTP server in dev and preview (production uses server/index.ts). */
function realtime(): Plugin {
	return {
		name: 'commons-realtime',
		configureServer(server) {
			if (server.httpServer) attachRealtime(server.httpServer as import('node:http').Server);
		},
		configurePreviewServer(server) {
			attachRealtime(server.httpServer as import('node:http').Server);
		}
	};
}

export default defineConfig({
	plugins: [sveltekit(), realtime()],
	server: { port: 3000 },
	test: {
		projects: [
			{
				extends: true,
				test: {
					name: 'unit',
					include: ['src/**/*.test.ts'],
					environment: 'node'
				}
			},
			{
				extends: true,
				test: {
					name: 'integration',
					include: ['tests/integration/**/*.test.ts'],
					environment: 'node',
					globalSetup: ['tests/integration/global-setup.ts'],
					testTimeout: 30_000,
					hookTimeout: 60_000
				}
			}
		]
	}
});
