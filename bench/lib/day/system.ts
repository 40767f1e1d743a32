/**
 * CPU and memory of the processes under test, from /proc: the app instances, PostgreSQL (the
 * postmaster and its backends) and the whole machine, as percentages of one core over a window
 * (200% is both cores of a two-core machine), and the apps' peak resident memory.
 */
import fs from 'node:fs';
import path from 'node:path';

const TICKS_PER_SECOND = 100;

function cpuTicks(pid: number): number {
	try {
		const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
		const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
		// utime and stime are fields 14 and 15 of the whole line: 12 and 13 after the command.
		return Number(fields[11]) + Number(fields[12]);
	} catch {
		return 0;
	}
}

function rssBytes(pid: number): number {
	try {
		const kib = /^VmRSS:\s+(\d+)\s+kB$/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
		return kib === undefined ? 0 : Number(kib) * 1024;
	} catch {
		return 0;
	}
}

function parentOf(pid: number): number {
	try {
		const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
		return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
	} catch {
		return -1;
	}
}

/** The postmaster of the cluster in `dataDir` and its children (backends, workers). */
export function postgresPids(dataDir: string): number[] {
	try {
		const postmaster = Number(
			fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]
		);
		const children = fs
			.readdirSync('/proc')
			.filter((e) => /^\d+$/.test(e))
			.map(Number)
			.filter((pid) => parentOf(pid) === postmaster);
		return [postmaster, ...children];
	} catch {
		return [];
	}
}

function machineTicks(): { busy: number; total: number } {
	const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
	const values = line.trim().split(/\s+/).slice(1).map(Number);
	const idle = (values[3] ?? 0) + (values[4] ?? 0);
	const total = values.reduce((a, b) => a + b, 0);
	return { busy: total - idle, total };
}

export type Usage = {
	/** Percent of one core, over the window. */
	appCpuPercent: number;
	postgresCpuPercent: number;
	/** This process: the simulated people, their sockets, the measuring. */
	loadGeneratorCpuPercent: number;
	/** The proxy in front of several instances (0 without one). */
	proxyCpuPercent: number;
	/** Everything on the machine, percent of all cores (100 = every core busy). */
	machineBusyPercent: number;
	/** The apps' resident memory, summed over instances, at its highest during the window. */
	appPeakRssBytes: number;
};

/** Samples every second from `start()` until `stop()`. */
export class UsageSampler {
	readonly #appPids: number[];
	readonly #proxyPids: number[];
	readonly #pgDir: string | null;
	#timer: NodeJS.Timeout | undefined;
	#start = { app: 0, proxy: 0, self: 0, machine: { busy: 0, total: 0 }, at: 0 };
	#peakRss = 0;

	constructor(appPids: number[], postgresDataDir: string | null, proxyPids: number[] = []) {
		this.#appPids = appPids;
		this.#proxyPids = proxyPids;
		this.#pgDir = postgresDataDir;
	}

	#pgStart = new Map<number, number>();

	/**
	 * PostgreSQL's ticks since `start()`, per process: a backend that ended meanwhile is left out
	 * (its last ticks are gone with it), one that began counts from zero.
	 */
	#pgDelta(): number {
		let ticks = 0;
		for (const pid of this.#pgDir ? postgresPids(this.#pgDir) : []) {
			const now = cpuTicks(pid);
			if (now > 0) ticks += now - (this.#pgStart.get(pid) ?? 0);
		}
		return ticks;
	}

	start(): void {
		this.#pgStart = new Map(
			(this.#pgDir ? postgresPids(this.#pgDir) : []).map((pid) => [pid, cpuTicks(pid)])
		);
		const self = process.cpuUsage();
		this.#start = {
			app: this.#appPids.reduce((a, pid) => a + cpuTicks(pid), 0),
			proxy: this.#proxyPids.reduce((a, pid) => a + cpuTicks(pid), 0),
			self: (self.user + self.system) / 1000,
			machine: machineTicks(),
			at: performance.now()
		};
		this.#peakRss = 0;
		const sample = () => {
			this.#peakRss = Math.max(
				this.#peakRss,
				this.#appPids.reduce((a, pid) => a + rssBytes(pid), 0)
			);
		};
		sample();
		this.#timer = setInterval(sample, 1000);
	}

	stop(): Usage {
		clearInterval(this.#timer);
		const seconds = (performance.now() - this.#start.at) / 1000;
		const self = process.cpuUsage();
		const machine = machineTicks();
		const percent = (ticks: number) => Math.round((ticks / TICKS_PER_SECOND / seconds) * 1000) / 10;
		return {
			appCpuPercent: percent(
				this.#appPids.reduce((a, pid) => a + cpuTicks(pid), 0) - this.#start.app
			),
			postgresCpuPercent: percent(this.#pgDelta()),
			proxyCpuPercent: percent(
				this.#proxyPids.reduce((a, pid) => a + cpuTicks(pid), 0) - this.#start.proxy
			),
			loadGeneratorCpuPercent:
				Math.round(
					(((self.user + self.system) / 1000 - this.#start.self) / 1000 / seconds) * 1000
				) / 10,
			machineBusyPercent:
				Math.round(
					((machine.busy - this.#start.machine.busy) /
						Math.max(1, machine.total - this.#start.machine.total)) *
						1000
				) / 10,
			appPeakRssBytes: this.#peakRss
		};
	}
}
