/**
 * Where uploaded bytes live, behind a small interface so a bucket store can replace the local
 * disk without touching the services. Keys are random, never derived from a file's name.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { config } from '../config.ts';

export interface FileStorage {
	/** Stores `bytes` under `key`, replacing what was there; readers never see a partial file. */
	put(key: string, bytes: Uint8Array): Promise<void>;
	/** The bytes under `key`, or null when there are none. */
	get(key: string): Promise<Uint8Array | null>;
	/** The bytes under `key` as a stream, for large files; optional for stores that cannot. */
	stream?(key: string): Promise<ReadableStream<Uint8Array> | null>;
	/** Removes `key`; removing a missing key is not an error. */
	delete(key: string): Promise<void>;
}

/** A new key, grouped by month so no folder grows without bound. */
export function newStorageKey(now: Date = new Date()): string {
	const month = `${now.getUTCFullYear()}/${String(now.getUTCMonth() + 1).padStart(2, '0')}`;
	return `${month}/${randomUUID()}`;
}

const KEY_SHAPE = /^\d{4}\/\d{2}\/[0-9a-f-]{36}$/;

export class LocalDiskStorage implements FileStorage {
	readonly root: string;

	constructor(root: string) {
		this.root = root;
	}

	private pathOf(key: string): string {
		// Keys come from newStorageKey; anything else could walk out of the folder.
		if (!KEY_SHAPE.test(key)) throw new Error(`not a storage key: ${key}`);
		return path.join(this.root, key);
	}

	async put(key: string, bytes: Uint8Array): Promise<void> {
		const target = this.pathOf(key);
		await mkdir(path.dirname(target), { recursive: true });
		// Write beside the target and rename, so a reader never sees half a file; the random part
		// keeps two instances sharing the folder from writing into the same temporary file.
		const partial = `${target}.${randomUUID()}.partial`;
		try {
			await writeFile(partial, bytes, { flag: 'wx' });
			await rename(partial, target);
		} catch (error) {
			await rm(partial, { force: true });
			throw error;
		}
	}

	async get(key: string): Promise<Uint8Array | null> {
		try {
			return await readFile(this.pathOf(key));
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
			throw error;
		}
	}

	async stream(key: string): Promise<ReadableStream<Uint8Array> | null> {
		// Open first so a missing file answers null here rather than erroring mid-response.
		let handle;
		try {
			handle = await open(this.pathOf(key), 'r');
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
			throw error;
		}
		return Readable.toWeb(handle.createReadStream()) as ReadableStream<Uint8Array>;
	}

	async delete(key: string): Promise<void> {
		await rm(this.pathOf(key), { force: true });
	}
}

const STORAGE = Symbol.for('commons.fileStorage');
type Holder = { [STORAGE]?: FileStorage };

/** The configured storage: DATA_DIR/uploads on local disk. */
export function fileStorage(): FileStorage {
	const holder = globalThis as Holder;
	holder[STORAGE] ??= new LocalDiskStorage(path.join(config().dataDir, 'uploads'));
	return holder[STORAGE];
}

/** Tests point the app at a storage of their own. */
export function useFileStorageForTests(storage: FileStorage): void {
	(globalThis as Holder)[STORAGE] = storage;
}
