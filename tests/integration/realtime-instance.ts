/**
 * A second app instance for the multi-instance test, in its own process: socket.io with the
 * Postgres adapter and the app's handlers on DATABASE_URL, listening on INSTANCE_PORT (or a free
 * port), which it prints as `listening <port>`. Runs until killed.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { config } from '../../src/lib/server/config.ts';
import { startAppDatabase } from '../../src/lib/server/db/index.ts';
import { attachRealtime } from '../../src/lib/server/realtime/attach.ts';
import { useClusterAdapter } from '../../src/lib/server/realtime/cluster.ts';
import { registerRealtimeHandlers } from '../../src/lib/server/realtime/handlers.ts';

const server = http.createServer();
const io = attachRealtime(server);
const { url } = await startAppDatabase(config());
useClusterAdapter(io, url);
registerRealtimeHandlers();
server.listen(Number(process.env.INSTANCE_PORT ?? 0), '127.0.0.1', () => {
	console.log(`listening ${(server.address() as AddressInfo).port}`);
});
