/**
 * Shutdown hooks, kept on a globalThis symbol because Vite and the SSR bundle load separate
 * copies of this module. Hooks run in reverse order of registration (close the pool before
 * stopping the database it talks to).
 */
const HOOKS = Symbol.for('commons.shutdownHooks');
const STOPPING = Symbol.for('commons.stopping');
type Hook = { name: string; run: () => Promise<void> | void };
type Holder = { [HOOKS]?: Hook[]; [STOPPING]?: boolean };

/** True once shutdown has begun (a signal arrived): expected disconnections are not news. */
export function isShuttingDown(): boolean {
	return (globalThis as Holder)[STOPPING] === true;
}

export function markShuttingDown(): void {
	(globalThis as Holder)[STOPPING] = true;
}

function hooks(): Hook[] {
	const holder = globalThis as Holder;
	holder[HOOKS] ??= [];
	return holder[HOOKS];
}

export function onShutdown(name: string, run: Hook['run']): void {
	hooks().push({ name, run });
}

export async function shutdown(): Promise<void> {
	markShuttingDown();
	const list = hooks().splice(0).reverse();
	for (const hook of list) {
		try {
			await hook.run();
		} catch (error) {
			console.error(`commons: shutdown step "${hook.name}" failed:`, error);
		}
	}
}
