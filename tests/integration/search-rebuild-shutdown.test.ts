/**
 * A search rebuild running when the app shuts down. It used to hold the shutdown (the job
 * worker waits for running jobs) until the process was killed at 15 s: exit code 1, and a job
 * left locked by a worker that no longer existed. Now the worker's abort signal cancels the
 * rebuild's statement: the rebuild rolls back, the job fails cleanly and is due again.
 * To catch the rebuild mid-statement, another connection holds a lock it needs.
 */
import { sql } from 'kysely';
import type { Runner } from 'graphile-worker';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { startJobRunner } from '../../src/lib/server/jobs/runner.ts';
import { SEARCH_REBUILD_TASK, tasks } from '../../src/lib/server/jobs/tasks.ts';
import { postgresEngine } from '../../src/lib/server/search/postgres-engine.ts';
import { newDepartment, newPost, newUser } from '../factories.ts';
import { createTestDatabase } from './database.ts';

const { db, url } = await createTestDatabase();
const department = await newDepartment(db);
const author = await newUser(db, { departmentId: department.id });
for (let i = 0; i < 3; i++) await newPost(db, { authorId: author.id, departmentId: department.id });
await postgresEngine.rebuild(db);
/** The index after the rebuild above: the posts, the author, the department. */
const INDEXED = await documents();

async function documents(): Promise<number> {
	const { rows } = await sql<{ n: number }>`select count(*)::int as n from search_document`.execute(
		db
	);
	return rows[0]!.n;
}

/** Another session holding the search index's table locked until `release`. */
async function lockTheIndex() {
	const holder = new pg.Client({ connectionString: url });
	await holder.connect();
	await holder.query('begin');
	await holder.query('lock table search_document in access exclusive mode');
	return async () => {
		await holder.query('rollback');
		await holder.end();
	};
}

/** Waits until some statement of this database waits for a lock (the rebuild, blocked). */
async function rebuildIsBlocked() {
	for (let i = 0; i < 200; i++) {
		const { rows } = await sql<{ n: number }>`
			select count(*)::int as n from pg_stat_activity
			where datname = current_database() and wait_event_type = 'Lock'
		`.execute(db);
		if (rows[0]!.n > 0) return;
		await new Promise((r) => setTimeout(r, 25));
	}
	throw new Error('the rebuild never reached the locked table');
}

let release: (() => Promise<void>) | null = null;
afterEach(async () => {
	await release?.();
	release = null;
});

describe('a search rebuild at shutdown', () => {
	it('stops when its signal aborts, mid-statement, and leaves the index as it was', async () => {
		const before = await documents();
		expect(before).toBe(INDEXED);
		release = await lockTheIndex();
		const controller = new AbortController();
		const rebuilding = postgresEngine.rebuild(db, controller.signal);
		await rebuildIsBlocked();
		controller.abort();
		await expect(rebuilding).rejects.toThrow(/canceling statement due to user request/);
		await release();
		release = null;
		expect(await documents()).toBe(before);
	});

	it('does not start when the signal has already aborted', async () => {
		await expect(postgresEngine.rebuild(db, AbortSignal.abort())).rejects.toThrow();
		expect(await documents()).toBe(INDEXED);
	});

	it('lets the job worker stop: the job fails, unlocked, and is due again', async () => {
		release = await lockTheIndex();
		const runner: Runner = await startJobRunner({
			connectionString: url,
			tasks,
			pollInterval: 200
		});
		await runner.addJob(SEARCH_REBUILD_TASK, {}, { jobKey: SEARCH_REBUILD_TASK, maxAttempts: 3 });
		await rebuildIsBlocked();
		// Before the fix this never resolved while the lock was held (the worker waits for its
		// running jobs); now the abort signal, 5 s after the stop began, cancels the rebuild.
		await runner.stop();
		const { rows } = await sql<{
			attempts: number;
			lockedAt: Date | null;
			lastError: string | null;
		}>`
			select attempts, locked_at, last_error from graphile_worker.jobs
			where task_identifier = ${SEARCH_REBUILD_TASK}
		`.execute(db);
		expect(rows).toHaveLength(1);
		expect(rows[0]).toMatchObject({ attempts: 1, lockedAt: null });
		expect(rows[0]!.lastError).toMatch(/canceling statement/);
		await release();
		release = null;
		expect(await documents()).toBe(INDEXED);
	}, 30_000);
});
