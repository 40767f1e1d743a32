/**
 * The search outbox under failure, and the job worker that drains it: an index write that fails
 * or a worker killed mid-batch loses nothing (the rows stay until a batch commits), rows left
 * from before the worker started are drained on start, and new content becomes searchable within
 * about a second of the write with the real graphile-worker runner.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { sql } from 'kysely';
import type { Runner } from 'graphile-worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPost } from '../../src/lib/server/feeds/post.service.ts';
import { startJobRunner } from '../../src/lib/server/jobs/runner.ts';
import { SEARCH_INDEX_TASK, tasks } from '../../src/lib/server/jobs/tasks.ts';
import { drainSearchOutbox, indexOutboxBatch } from '../../src/lib/server/search/index-outbox.ts';
import {
	claimOutboxBatch,
	enqueueSearchIndex
} from '../../src/lib/server/search/outbox.repository.ts';
import { postgresEngine } from '../../src/lib/server/search/postgres-engine.ts';
import type { SearchEngine } from '../../src/lib/server/search/search-engine.ts';
import { searchEverything } from '../../src/lib/server/search/search.service.ts';
import { searchQuerySchema } from '../../src/lib/shared/schemas/search.ts';
import { contextFor, newDepartment, newPost, newUser } from '../factories.ts';
import { createTestDatabase } from './database.ts';
import { newPage } from './search-fixtures.ts';

const { db, url } = await createTestDatabase();
const department = await newDepartment(db);
const author = await newUser(db, { departmentId: department.id });

async function waiting(): Promise<number> {
	const { rows } = await sql<{ n: number }>`select count(*)::int as n from search_outbox`.execute(
		db
	);
	return rows[0]!.n;
}

async function indexed(word: string): Promise<number> {
	const { rows } = await sql<{ n: number }>`
		select count(*)::int as n from search_document
		where document @@ websearch_to_tsquery('commons', ${word})
	`.execute(db);
	return rows[0]!.n;
}

/** Posts written straight into the table and queued, as a service would in its transaction. */
async function queuePosts(word: string, count: number) {
	for (let i = 0; i < count; i++) {
		const post = await newPost(db, { authorId: author.id, bodySource: `${word} number ${i}` });
		await enqueueSearchIndex(db, [{ kind: 'post', id: post.id }]);
	}
	await newPage(db, { departmentId: null, title: `${word} page`, body: '', ownerId: author.id });
}

describe('the outbox under failure', () => {
	it('keeps every row when the index write fails inside the batch, and indexes them later', async () => {
		await queuePosts('ocelot', 5);
		expect(await waiting()).toBe(6);
		let synced = 0;
		const failing: SearchEngine = {
			...postgresEngine,
			async sync(trx, kind, ids) {
				await postgresEngine.sync(trx, kind, ids);
				if (++synced === 2) throw new Error('index write failed');
			}
		};
		await expect(indexOutboxBatch(db, failing)).rejects.toThrow('index write failed');
		expect(await waiting()).toBe(6);
		// The first kind's documents were written in the same transaction: rolled back too.
		expect(await indexed('ocelot')).toBe(0);
		expect(await drainSearchOutbox(db, postgresEngine)).toBe(6);
		expect(await waiting()).toBe(0);
		expect(await indexed('ocelot')).toBe(6);
	});

	it('keeps every row when the worker process is killed mid-batch', async () => {
		await queuePosts('pangolin', 20);
		const child = spawn(
			process.execPath,
			[path.resolve('tests/integration/search-crash-child.ts'), url],
			{
				stdio: ['ignore', 'pipe', 'inherit']
			}
		);
		const exited = new Promise((resolve) => child.once('exit', resolve));
		await new Promise<void>((resolve, reject) => {
			child.stdout.on('data', (chunk: Buffer) => {
				if (chunk.toString().includes('mid-batch')) resolve();
			});
			child.once('exit', (code) => reject(new Error(`the worker exited early (${code})`)));
		});
		// Mid-batch: the worker holds every row (nothing left to claim) and has committed nothing.
		const claimable = await db.transaction().execute((trx) => claimOutboxBatch(trx, 100));
		expect(claimable).toEqual([]);
		expect(await waiting()).toBe(21);
		child.kill('SIGKILL');
		await exited;
		// PostgreSQL ends the dead worker's transaction when its connection drops.
		for (let i = 0; i < 100 && (await indexOutboxBatch(db, postgresEngine)) === 0; i++)
			await new Promise((r) => setTimeout(r, 50));
		await drainSearchOutbox(db, postgresEngine);
		expect(await waiting()).toBe(0);
		expect(await indexed('pangolin')).toBe(21);
	});
});

describe('the job worker', () => {
	let runner: Runner;
	beforeAll(async () => {
		// Rows written before the worker's schema exists get no wake-up: the start-up drain takes them.
		await queuePosts('quetzal', 3);
		runner = await startJobRunner({ connectionString: url, tasks, pollInterval: 500 });
	});
	afterAll(() => runner?.stop());

	it('drains what waited before it started', async () => {
		await runner.addJob(SEARCH_INDEX_TASK, {});
		for (let i = 0; i < 100 && (await indexed('quetzal')) < 4; i++)
			await new Promise((r) => setTimeout(r, 50));
		expect(await indexed('quetzal')).toBe(4);
	});

	it('makes a new post searchable about a second after it is written', async () => {
		const ctx = await contextFor(db, author.id);
		const delays: number[] = [];
		for (let i = 0; i < 5; i++) {
			const word = `narwhal${'abcde'[i]}`;
			const started = performance.now();
			await createPost(ctx, {
				audience: department.id,
				body: `The ${word} has landed`,
				announcement: false,
				attachmentIds: []
			});
			for (;;) {
				const result = await searchEverything(ctx, searchQuerySchema.parse({ q: word }));
				if (result.hits.length) break;
				if (performance.now() - started > 5000) throw new Error(`${word} never became searchable`);
				await new Promise((r) => setTimeout(r, 10));
			}
			delays.push(performance.now() - started);
		}
		delays.sort((a, b) => a - b);
		console.log(`write-to-searchable delays (ms): ${delays.map((d) => d.toFixed(0)).join(', ')}`);
		expect(delays[2]).toBeLessThan(1000);
		expect(await waiting()).toBe(0);
	});
});
