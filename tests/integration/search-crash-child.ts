/**
 * A search index worker that dies mid-batch: it claims the outbox, writes the index for the first
 * kind, says "mid-batch" and then hangs until the test kills it with SIGKILL. Run by
 * search-outbox.test.ts as `node search-crash-child.ts <database url>`.
 */
import { createDb } from '../../src/lib/server/db/index.ts';
import { indexOutboxBatch } from '../../src/lib/server/search/index-outbox.ts';
import { postgresEngine } from '../../src/lib/server/search/postgres-engine.ts';
import type { SearchEngine } from '../../src/lib/server/search/search-engine.ts';

const db = createDb(process.argv[2]!, 2);
const dying: SearchEngine = {
	...postgresEngine,
	async sync(trx, kind, ids) {
		await postgresEngine.sync(trx, kind, ids);
		process.stdout.write(`mid-batch ${kind} ${ids.length}\n`);
		// Hang with the transaction open; the interval keeps the process alive until it is killed.
		setInterval(() => undefined, 1000);
		await new Promise(() => {});
	}
};
const handled = await indexOutboxBatch(db, dying, 1000);
process.stdout.write(`nothing to do (${handled})\n`);
process.exit(1);
