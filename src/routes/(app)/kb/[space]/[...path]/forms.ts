/** The shapes the page's form actions answer with when they refuse (see +page.server.ts). */
import type { DiffPart } from '$lib/shared/knowledge';

export type Failure = {
	message?: string;
	fields?: Record<string, string>;
	values?: Record<string, unknown>;
};

/** Someone saved the page while this person edited it: their version, and a diff to ours. */
export type Conflict = {
	revision: number;
	title: string;
	bodySource: string;
	updatedBy: string;
	updatedAt: string;
	diff: { parts: DiffPart[]; added: number; removed: number };
};

/** A kept form value as a string ('' when absent). */
export function kept(failure: Failure | null | undefined, name: string): string | undefined {
	const value = failure?.values?.[name];
	return typeof value === 'string' ? value : undefined;
}
