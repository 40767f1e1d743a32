/**
 * Stopping long work when the app shuts down. A job that runs for minutes (rebuilding the search
 * index of a large organisation) would otherwise hold the shutdown until the process is killed:
 * its transaction then dies with the connection, and the job stays locked by a worker that is
 * gone. Cancelling its statement instead rolls the transaction back at once, and the job fails
 * cleanly, to be run again.
 */
import { sql } from 'kysely';
import type { Database } from './index.ts';

/**
 * Cancels the statement running on `trx`'s connection when `signal` aborts: it fails with
 * "canceling statement due to user request" (57014) and the transaction rolls back. The cancel
 * is sent over another connection of `db`, as PostgreSQL requires. Returns the function that
 * stops listening; the caller also checks `signal` between statements (a cancel that arrives
 * between two statements cancels nothing).
 */
export async function cancelOnAbort(
	trx: Database,
	db: Database,
	signal: AbortSignal | undefined
): Promise<() => void> {
	if (!signal) return () => undefined;
	signal.throwIfAborted();
	const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(trx);
	const pid = rows[0]!.pid;
	const cancel = () => {
		sql`select pg_cancel_backend(${pid})`.execute(db).catch(() => undefined);
	};
	signal.addEventListener('abort', cancel, { once: true });
	return () => signal.removeEventListener('abort', cancel);
}
