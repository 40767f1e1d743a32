/**
 * `node bench/memo-publish.ts [people] [departments]`: publish time of a memo to the whole
 * organisation (default 50,000 people across 200 departments), the report with its roll-up
 * (p50/p95 over 50 reads), acknowledgements 20 at a time (p50/p99 latency, throughput), and the
 * target load: acknowledgements at a steady 200 per second for 30 s (open loop: each latency is
 * counted from the moment the acknowledgement was due to start, so a stall is not hidden by the
 * requests it held back), then a check that every one of them is stored.
 * Each phase also prints the CPU time it cost, in this process (the services) and in the
 * PostgreSQL server (every process of it), which unlike wall time does not grow with the load of
 * a shared machine. Runs the services directly on a scratch embedded PostgreSQL; prints numbers,
 * never fails on a timing (see README: compare numbers from the same machine only).
 * `BENCH_MEMO_RATE` and `BENCH_MEMO_SECONDS` change the steady phase (default 200 and 30);
 * `BENCH_MEMO_DURABLE=1` runs on a server that flushes every commit to disk, as the app's does.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { sql } from 'kysely';
import pg from 'pg';
import { createDb, useDatabaseForTests } from '../src/lib/server/db/index.ts';
import { ensureDatabase, startEmbeddedPostgres } from '../src/lib/server/db/embedded.ts';
import { migrateToLatest } from '../src/lib/server/db/migrate.ts';
import { startScratchPostgres } from '../src/lib/server/db/scratch.ts';
import { acknowledgeMemo } from '../src/lib/server/memos/memo-ack.service.ts';
import { publishMemo } from '../src/lib/server/memos/memo-publish.service.ts';
import { getMemoReport } from '../src/lib/server/memos/memo-report.service.ts';
import { createBenchDraft, peopleContexts, seedMemoOrganisation } from './lib/memo-org.ts';

const PEOPLE = Number(process.argv[2] ?? 50_000);
const DEPARTMENTS = Number(process.argv[3] ?? 200);
const BURST = 2000;
const RATE = Number(process.env.BENCH_MEMO_RATE ?? 200);
const SECONDS = Number(process.env.BENCH_MEMO_SECONDS ?? 30);
const pct = (xs: number[], p: number) =>
	[...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
const load = () =>
	os
		.loadavg()
		.map((n) => n.toFixed(2))
		.join(' ');

/**
 * CPU seconds used so far by the PostgreSQL server: the postmaster, its live children, and the
 * children that have exited (their time is added to the postmaster's "children" counters when it
 * reaps them, so a backend or autovacuum worker that ends mid-phase is still counted).
 */
function postgresCpuSeconds(postmaster: number): number {
	const tick = 100; // USER_HZ on Linux
	let total = 0;
	for (const entry of fs.readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		let stat: string;
		try {
			stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
		} catch {
			continue;
		}
		// The fields after the command name (which may hold spaces), from field 3 on.
		const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
		const pid = Number(entry);
		if (pid === postmaster) total += (+f[11]! + +f[12]! + +f[13]! + +f[14]!) / tick;
		else if (Number(f[1]) === postmaster) total += (+f[11]! + +f[12]!) / tick;
	}
	return total;
}

/** Wall time and CPU time (this process, the database server) of one phase. */
function cpuMeter(postmaster: number) {
	const node0 = process.cpuUsage();
	const pg0 = postgresCpuSeconds(postmaster);
	return () => {
		const node = process.cpuUsage(node0);
		return {
			nodeMs: (node.user + node.system) / 1000,
			postgresMs: (postgresCpuSeconds(postmaster) - pg0) * 1000
		};
	};
}

/**
 * Samples, every 10 ms on a connection of its own, what the benchmark's database sessions are
 * doing: running (CPU), waiting for a lock (which kind), waiting for the client inside a
 * transaction (the application's round trips while the transaction holds its locks), or I/O.
 * Returns a stop function that gives the share of session-samples per state.
 */
async function waitSampler(url: string) {
	const client = new pg.Client({ connectionString: url });
	await client.connect();
	const counts = new Map<string, number>();
	let running = true;
	const loop = (async () => {
		while (running) {
			const { rows } = await client.query<{ what: string; n: string }>(`
				select case
						when state = 'idle in transaction' then 'client round trip (in transaction)'
						when wait_event is null then 'running (CPU)'
						else wait_event_type || ': ' || wait_event
					end as what, count(*) as n
				from pg_stat_activity
				where datname = current_database() and pid <> pg_backend_pid()
					and backend_type = 'client backend' and state <> 'idle'
				group by 1`);
			for (const r of rows) counts.set(r.what, (counts.get(r.what) ?? 0) + Number(r.n));
			await new Promise((r) => setTimeout(r, 10));
		}
	})();
	return async () => {
		running = false;
		await loop;
		await client.end();
		const total = [...counts.values()].reduce((a, b) => a + b, 0) || 1;
		return [...counts.entries()]
			.sort((a, b) => b[1] - a[1])
			.map(([what, n]) => `${what} ${((100 * n) / total).toFixed(0)}%`)
			.join(', ');
	};
}

const cpuLine = (cpu: { nodeMs: number; postgresMs: number }, per = 1, unit = '') =>
	`CPU${unit} node ${(cpu.nodeMs / per).toFixed(per > 1 ? 2 : 0)} ms + postgres ${(cpu.postgresMs / per).toFixed(per > 1 ? 2 : 0)} ms`;

/**
 * The scratch server trades durability for speed (fsync and synchronous commit off), as the
 * tests do. With BENCH_MEMO_DURABLE=1 the benchmark runs on a server with the settings the app
 * itself uses (every commit flushed to disk), in a temporary folder of its own.
 */
async function startServer() {
	if (process.env.BENCH_MEMO_DURABLE !== '1') return startScratchPostgres();
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'commons-bench-pg-'));
	fs.chmodSync(dir, 0o755);
	const durable = await startEmbeddedPostgres({ dir: path.join(dir, 'data') });
	return {
		urlFor: durable.urlFor,
		async stop() {
			await durable.stop();
			fs.rmSync(dir, { recursive: true, force: true });
		}
	};
}

const server = await startServer();
try {
	await ensureDatabase(server.urlFor('postgres'), 'bench');
	const url = server.urlFor('bench');
	const db = createDb(url, 20);
	await migrateToLatest(db);
	useDatabaseForTests(db, url);
	const { rows: pidRows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(db);
	const backend = fs.readFileSync(`/proc/${pidRows[0]!.pid}/stat`, 'utf8');
	const postmaster = Number(backend.slice(backend.lastIndexOf(')') + 2).split(' ')[1]);
	console.log(
		`load average at the start: ${load()} (${os.cpus().length} cores); commits ${process.env.BENCH_MEMO_DURABLE === '1' ? 'flushed to disk (BENCH_MEMO_DURABLE=1)' : 'not flushed (scratch server)'}`
	);

	const { ctx, adminDepartmentId } = await seedMemoOrganisation(db, PEOPLE, DEPARTMENTS);
	const draft = await createBenchDraft(ctx, adminDepartmentId);
	let meter = cpuMeter(postmaster);
	let t = performance.now();
	await publishMemo(ctx, draft.id, { publishAt: null });
	const publishMs = performance.now() - t;
	console.log(
		`publish to ${PEOPLE.toLocaleString('en')} people in ${DEPARTMENTS} departments: ${publishMs.toFixed(0)} ms (${cpuLine(meter())})`
	);

	const reportMs: number[] = [];
	meter = cpuMeter(postmaster);
	for (let i = 0; i < 50; i++) {
		t = performance.now();
		await getMemoReport(ctx, draft.id);
		reportMs.push(performance.now() - t);
	}
	console.log(
		`report with roll-up: p50 ${pct(reportMs, 50).toFixed(1)} ms, p95 ${pct(reportMs, 95).toFixed(1)} ms (${cpuLine(meter(), 50, ' per report:')})`
	);

	const contexts = await peopleContexts(db, BURST + RATE * SECONDS);

	// Closed loop, 20 at a time: the most this setup sustains.
	const burst = contexts.slice(0, BURST);
	const ackMs: number[] = [];
	meter = cpuMeter(postmaster);
	const stopSampling = await waitSampler(url);
	const start = performance.now();
	for (let i = 0; i < burst.length; i += 20) {
		await Promise.all(
			burst.slice(i, i + 20).map(async (c) => {
				const s = performance.now();
				await acknowledgeMemo(c, draft.id, { version: 1, attested: false, answer: null });
				ackMs.push(performance.now() - s);
			})
		);
	}
	const seconds = (performance.now() - start) / 1000;
	const burstCpu = meter();
	const waits = await stopSampling();
	console.log(
		`${ackMs.length} acknowledgements, 20 concurrent: ${(ackMs.length / seconds).toFixed(0)}/s, p50 ${pct(ackMs, 50).toFixed(1)} ms, p99 ${pct(ackMs, 99).toFixed(1)} ms (${cpuLine(burstCpu, ackMs.length, ' per ack:')})`
	);
	console.log(`  database sessions during the burst: ${waits}`);

	// Open loop at the target rate: acknowledgement i starts at start + i / RATE seconds.
	const steady = contexts.slice(BURST);
	const steadyMs: number[] = [];
	// Which second of the run each slow one was due in: are the misses spread or one stall?
	const slowSeconds = new Set<number>();
	let failed = 0;
	const loopDelay = monitorEventLoopDelay({ resolution: 5 });
	loopDelay.enable();
	meter = cpuMeter(postmaster);
	const steadyStart = performance.now();
	const inFlight: Promise<void>[] = [];
	for (let i = 0; i < steady.length; i++) {
		const due = steadyStart + (i * 1000) / RATE;
		const wait = due - performance.now();
		if (wait > 1) await new Promise((r) => setTimeout(r, wait));
		inFlight.push(
			acknowledgeMemo(steady[i]!, draft.id, { version: 1, attested: false, answer: null }).then(
				() => {
					const ms = performance.now() - due;
					steadyMs.push(ms);
					if (ms > 50) slowSeconds.add(Math.floor(i / RATE));
				},
				(error: unknown) => {
					failed++;
					console.error(error);
				}
			)
		);
	}
	await Promise.all(inFlight);
	const steadySeconds = (performance.now() - steadyStart) / 1000;
	const steadyCpu = meter();
	loopDelay.disable();
	const sorted = [...steadyMs].sort((a, b) => a - b);
	console.log(
		`${steady.length} acknowledgements at ${RATE}/s for ${SECONDS} s: achieved ${(steadyMs.length / steadySeconds).toFixed(0)}/s, p50 ${pct(sorted, 50).toFixed(1)} ms, p99 ${pct(sorted, 99).toFixed(1)} ms, max ${sorted.at(-1)!.toFixed(1)} ms, ${failed} failed (${cpuLine(steadyCpu, steady.length, ' per ack:')}; ${((steadyCpu.nodeMs + steadyCpu.postgresMs) / 10 / steadySeconds).toFixed(0)}% of one core)`
	);
	console.log(
		`  over 50 ms in ${slowSeconds.size} of ${SECONDS} seconds; this process's event loop delayed up to ${(loopDelay.max / 1e6).toFixed(0)} ms (p99 ${(loopDelay.percentile(99) / 1e6).toFixed(0)} ms)`
	);

	const stored = await db
		.selectFrom('memoAcknowledgement')
		.select((eb) => eb.fn.countAll<number>().as('n'))
		.executeTakeFirstOrThrow();
	const acknowledged = await db
		.selectFrom('memoRecipient')
		.select((eb) => eb.fn.countAll<number>().as('n'))
		.where('memoId', '=', draft.id)
		.where('state', '=', 'acknowledged')
		.executeTakeFirstOrThrow();
	const audited = await db
		.selectFrom('auditEvent')
		.select((eb) => eb.fn.countAll<number>().as('n'))
		.where('action', '=', 'memo.acknowledge')
		.executeTakeFirstOrThrow();
	const expected = BURST + steady.length;
	console.log(
		`stored ${stored.n} acknowledgements, ${acknowledged.n} recipients acknowledged, ${audited.n} audit entries, of ${expected} sent: ${Number(stored.n) === expected && Number(acknowledged.n) === expected && Number(audited.n) === expected ? 'none lost' : 'SOME LOST'}`
	);
	console.log(`load average at the end: ${load()}`);
	await db.destroy();
} finally {
	await server.stop();
}
