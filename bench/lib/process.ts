/** The app's process, found through /proc, and its resident memory. */
import fs from 'node:fs';
import type { RunningApp } from './app.ts';

/** The app is a child of this process running server/index.ts on `port`; /proc names it. */
export function findAppPid(app: RunningApp): number | null {
	for (const entry of fs.readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		try {
			const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
			// Field 4, after the parenthesised command name (which may contain spaces).
			const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
			if (parent !== process.pid) continue;
			const cmdline = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
			const environ = fs.readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0');
			if (
				cmdline.some((arg) => arg.endsWith('server/index.ts')) &&
				environ.includes(`PORT=${app.port}`)
			) {
				return Number(entry);
			}
		} catch {
			// The process ended while we looked, or is not ours to read.
		}
	}
	return null;
}

export function readRss(pid: number): number | null {
	try {
		const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
		const kib = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status)?.[1];
		return kib === undefined ? null : Number(kib) * 1024;
	} catch {
		return null;
	}
}
