/**
 * Several app instances, one organisation: with the Postgres adapter, a broadcast on one instance
 * reaches sockets connected to the others (through LISTEN/NOTIFY on the app's own database, with
 * large payloads in the socket_io_attachments table). A reverse proxy must keep each client on
 * one instance (sticky sessions), because socket.io's long-polling transport spans requests.
 */
import { createAdapter } from '@socket.io/postgres-adapter';
import pg from 'pg';
import { isShuttingDown, onShutdown } from '../lifecycle.ts';
import { logger } from '../log.ts';
import type { RealtimeServer } from './registry.ts';

export function useClusterAdapter(io: RealtimeServer, databaseUrl: string): pg.Pool {
	// Its own small pool: the adapter holds one connection for LISTEN.
	const pool = new pg.Pool({ connectionString: databaseUrl, max: 3 });
	pool.on('error', (error) => {
		if (!isShuttingDown()) logger().warn({ err: error }, 'realtime adapter connection lost');
	});
	io.adapter(createAdapter(pool, { heartbeatInterval: 5_000, heartbeatTimeout: 15_000 }));
	onShutdown('realtime adapter', async () => {
		await Promise.resolve(io.of('/').adapter.close?.());
		await pool.end();
	});
	return pool;
}
